/**
 * @module The client side of the Forward protocol's shared-key handshake (reference §1.6, as
 * Fluentd's out_forward speaks it): read `["HELO", {nonce, auth, keepalive}]`, answer
 * `["PING", self_hostname, salt, sha512_hex(salt + self_hostname + nonce + shared_key), username,
 * password_digest]`, check `["PONG", true, "", server_hostname, sha512_hex(salt + server_hostname
 * + nonce + shared_key)]`. Digests hash the RAW bytes (nonces may be any bytes; Fluent Bit sends
 * them as str, Fluentd as bin — both arrive here as bytes).
 */

import { encode } from '@msgpack/msgpack'
import { DeliveryError } from '../../errors.ts'

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

export type Bytes = Uint8Array

function bytesOf(part: string | Bytes): Bytes {
  return typeof part === 'string' ? textEncoder.encode(part) : part
}

/** Lowercase hex SHA-512 of the parts' bytes, concatenated. */
export async function sha512Hex(...parts: (string | Bytes)[]): Promise<string> {
  const arrays = parts.map(bytesOf)
  const joined = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0))
  let at = 0
  for (const a of arrays) {
    joined.set(a, at)
    at += a.length
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', joined))
  let hex = ''
  for (const b of digest) hex += b.toString(16).padStart(2, '0')
  return hex
}

/** The shared-key digest of a PING (with the client's hostname) or a PONG (with the server's). */
export function sharedKeyDigest(salt: string | Bytes, hostname: string, nonce: Bytes, sharedKey: string): Promise<string> {
  return sha512Hex(salt, hostname, nonce, sharedKey)
}

/** The user-auth digest of a PING. */
export function passwordDigest(authSalt: Bytes, username: string, password: string): Promise<string> {
  return sha512Hex(authSalt, username, password)
}

export interface Helo {
  nonce: Bytes
  auth: Bytes
  keepalive: boolean
}

/** Reads a decoded HELO (strings decoded raw, as bytes); throws DeliveryError when it is not one. */
export function readHelo(value: unknown): Helo {
  if (!Array.isArray(value) || value.length !== 2 || !isText(value[0], 'HELO') || !isMap(value[1])) {
    throw new DeliveryError(`handshake: expected HELO from the server, got ${describe(value)}`)
  }
  const options = value[1]
  const nonce = options.nonce
  if (!(nonce instanceof Uint8Array)) throw new DeliveryError('handshake: HELO without a nonce')
  const auth = options.auth instanceof Uint8Array ? options.auth : new Uint8Array(0)
  return { nonce, auth, keepalive: options.keepalive !== false }
}

export interface PingInput {
  selfHostname: string
  sharedKey: string
  username: string
  password: string
  /** 32 hex characters, as Fluentd's SecureRandom.hex(16). */
  salt: string
}

/** The PING message bytes for a HELO. */
export async function buildPing(helo: Helo, p: PingInput): Promise<Bytes> {
  const digest = await sharedKeyDigest(p.salt, p.selfHostname, helo.nonce, p.sharedKey)
  const user = helo.auth.length > 0 ? [p.username, await passwordDigest(helo.auth, p.username, p.password)] : ['', '']
  return encode(['PING', p.selfHostname, p.salt, digest, ...user])
}

/** Checks a decoded PONG; throws DeliveryError with the server's reason when refused or forged. */
export async function checkPong(value: unknown, helo: Helo, p: PingInput): Promise<string> {
  if (!Array.isArray(value) || value.length !== 5 || !isText(value[0], 'PONG')) {
    throw new DeliveryError(`handshake: expected PONG from the server, got ${describe(value)}`)
  }
  const [, ok, reason, hostnameBytes, digestBytes] = value
  if (ok !== true) throw new DeliveryError(`handshake refused by the server: ${text(reason) || 'no reason given'}`)
  const serverHostname = text(hostnameBytes)
  if (serverHostname === p.selfHostname) {
    throw new DeliveryError(
      `handshake: the server calls itself ${serverHostname}, as this sender does (same hostname between input and output: invalid configuration)`,
    )
  }
  const expected = await sharedKeyDigest(p.salt, serverHostname, helo.nonce, p.sharedKey)
  if (text(digestBytes) !== expected)
    throw new DeliveryError("handshake: the server's shared key digest does not match (wrong shared_key?)")
  return serverHostname
}

/** A fresh client salt: 16 random bytes as 32 hex characters. */
export function newSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let hex = ''
  for (const b of bytes) hex += b.toString(16).padStart(2, '0')
  return hex
}

function text(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return textDecoder.decode(value)
  return ''
}

function isText(value: unknown, expected: string): boolean {
  return text(value) === expected
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

function describe(value: unknown): string {
  try {
    const s = JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'bigint' ? String(v) : v,
    )
    return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s
  } catch {
    return String(value)
  }
}
