/**
 * @module The three handshake messages of the Forward protocol (reference §1.6), built and read
 * exactly as Fluentd does: `["HELO", {"nonce": bin16, "auth": bin16, "keepalive": bool}]` (server →
 * client), `["PING", hostname, salt, digest, username, password_digest]` (6 elements, all str),
 * `["PONG", ok, reason, hostname, digest]` (5 elements). Readers accept str or bin wherever bytes
 * are expected (Fluent Bit sends its nonce as str) and return null when the shape is wrong.
 */

import { encode, Raw, type Value } from './msgpack.ts'

export interface Helo {
  nonce: Uint8Array
  /** The user-auth salt; empty when the server does not ask for a username/password. */
  auth: Uint8Array
  keepalive: boolean
}

export interface Ping {
  hostname: Uint8Array
  salt: Uint8Array
  digest: Uint8Array
  username: Uint8Array
  passwordDigest: Uint8Array
}

export interface Pong {
  ok: boolean
  reason: Uint8Array
  hostname: Uint8Array
  digest: Uint8Array
}

const EMPTY = new Uint8Array(0)

/** HELO with nonce and auth as bin (Fluentd's form). */
export function encodeHelo(helo: Helo): Uint8Array {
  return encode(['HELO', { nonce: helo.nonce, auth: helo.auth, keepalive: helo.keepalive }])
}

/** PING with every field as str (Fluentd's out_forward form). */
export function encodePing(ping: { hostname: string; salt: string; digest: string; username: string; passwordDigest: string }): Uint8Array {
  return encode(['PING', ping.hostname, ping.salt, ping.digest, ping.username, ping.passwordDigest])
}

/** A successful PONG. */
export function encodePongOk(hostname: string, digest: string): Uint8Array {
  return encode(['PONG', true, '', hostname, digest])
}

/** A failed PONG: `["PONG", false, reason, "", ""]`. */
export function encodePongFailure(reason: string): Uint8Array {
  return encode(['PONG', false, reason, '', ''])
}

/** Reads a HELO; null when `value` is not one. A missing nonce or auth reads as empty (Fluentd). */
export function readHelo(value: Value): Helo | null {
  if (!isTagged(value, 'HELO', 2)) return null
  const options = (value as Value[])[1]
  if (options === null) return { nonce: EMPTY, auth: EMPTY, keepalive: true }
  if (!(options instanceof Map)) return null
  const nonce = options.get('nonce')
  const auth = options.get('auth')
  return {
    nonce: nonce instanceof Raw ? nonce.bytes : EMPTY,
    auth: auth instanceof Raw ? auth.bytes : EMPTY,
    keepalive: options.get('keepalive') !== false,
  }
}

/**
 * Reads a PING: exactly 6 elements, `"PING"` first, then bytes; username and password digest may
 * also be nil (fluent-logger sends nil when it has no user; Fluentd only compares them under
 * user_auth). Null when it is not a PING.
 */
export function readPing(value: Value): Ping | null {
  if (!isTagged(value, 'PING', 6)) return null
  const [, hostname, salt, digest, username, passwordDigest] = value as Value[]
  if (!(hostname instanceof Raw && salt instanceof Raw && digest instanceof Raw)) return null
  if (!(username === null || username instanceof Raw) || !(passwordDigest === null || passwordDigest instanceof Raw)) return null
  return {
    hostname: hostname.bytes,
    salt: salt.bytes,
    digest: digest.bytes,
    username: bytesOf(username),
    passwordDigest: bytesOf(passwordDigest),
  }
}

/** Reads a PONG: exactly 5 elements, `"PONG"` first. Null when it is not one. */
export function readPong(value: Value): Pong | null {
  if (!isTagged(value, 'PONG', 5)) return null
  const [, ok, reason, hostname, digest] = value as Value[]
  return { ok: ok === true, reason: bytesOf(reason), hostname: bytesOf(hostname), digest: bytesOf(digest) }
}

function isTagged(value: Value, name: string, length: number): boolean {
  return Array.isArray(value) && value.length === length && value[0] instanceof Raw && value[0].text() === name
}

function bytesOf(value: Value): Uint8Array {
  return value instanceof Raw ? value.bytes : EMPTY
}
