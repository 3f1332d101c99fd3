/**
 * @module The shared-key handshake of the Forward protocol (reference §1.6), both sides, as
 * Fluentd runs it, over any transport (the runtimes bring the socket; the hash is injected, see
 * digest.ts).
 *
 * Client (out_forward, `clientHandshake`): read HELO, answer PING with a fresh 32-hex salt (the
 * user-auth digest when HELO carries an auth salt), check PONG as Fluentd's check_pong does — a
 * 5-element PONG, auth result true (else the server's reason), a server hostname different from
 * our own self_hostname, and the server's digest.
 *
 * Server (in_forward): `newHelo` (16 random bytes of nonce and of user-auth salt), then, once the
 * PING is read (`readPing`) and the client's rule chosen (`<client>` / anonymous: the runtime's
 * policy, it knows addresses), `answerPing` checks the shared-key digest and the user's password
 * digest in Fluentd's order and gives the PONG to write (success, or `["PONG", false, reason,
 * "", ""]`). Digests are compared in constant time, over the raw bytes of salt and hostname.
 */

import { digestMatches, newNonce, newSalt, passwordDigest, sharedKeyDigest, type Sha512Hex } from './digest.ts'
import { encodePing, encodePongFailure, encodePongOk, readHelo, readPong, type Helo, type Ping } from './messages.ts'
import { describeValue, type Value } from './msgpack.ts'

/** A HELO, PING or PONG is a few hundred bytes; a first object longer than this is not one. */
export const HANDSHAKE_MAX_BYTES = 16 * 1024

const textDecoder = new TextDecoder()

/** What a client authenticates with (`<security>` and the `<server>`'s own key and user). */
export interface ClientCredentials {
  selfHostname: string
  sharedKey: string
  username: string
  password: string
}

/** Where a client handshake failed. */
export type HandshakeFailure = 'invalid-helo' | 'invalid-pong' | 'refused' | 'same-hostname' | 'digest-mismatch'

/** A failed client handshake, with Fluentd's message and, for a refusal, the server's reason. */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError'

  constructor(
    message: string,
    readonly failure: HandshakeFailure,
    /** The reason a refusing server gave (`shared_key mismatch` …); '' otherwise. */
    readonly serverReason = '',
  ) {
    super(message)
  }
}

/** The two ways a client handshake talks to its server. */
export interface HandshakeChannel {
  /** The server's next msgpack object; rejects when the connection ends or sends garbage first. */
  next(expected: 'HELO' | 'PONG'): Promise<Value>
  /** Writes a message (resolves, or returns, once the runtime took it). */
  write(bytes: Uint8Array): unknown
}

/**
 * Runs the client side: resolves with the server's hostname when the server accepted us; rejects
 * with a HandshakeError (or what the channel rejected with).
 */
export async function clientHandshake(
  channel: HandshakeChannel,
  credentials: ClientCredentials,
  sha512: Sha512Hex,
  salt: string = newSalt(),
): Promise<string> {
  const heloValue = await channel.next('HELO')
  const helo = readHelo(heloValue)
  if (helo === null) {
    throw new HandshakeError(
      `received invalid helo message (is <security> set on the server?): ${describeValue(heloValue, 80)}`,
      'invalid-helo',
    )
  }
  await channel.write(await buildPing(sha512, helo, credentials, salt))
  const failure = await checkPong(sha512, await channel.next('PONG'), helo, credentials, salt)
  if (failure instanceof HandshakeError) throw failure
  return failure
}

/** Fluentd's generate_ping: the PING answering `helo` (user and password digest only when HELO has an auth salt). */
export async function buildPing(sha512: Sha512Hex, helo: Helo, credentials: ClientCredentials, salt: string): Promise<Uint8Array> {
  const withUser = helo.auth.length > 0
  return encodePing({
    hostname: credentials.selfHostname,
    salt,
    digest: await sharedKeyDigest(sha512, salt, credentials.selfHostname, helo.nonce, credentials.sharedKey),
    username: withUser ? credentials.username : '',
    passwordDigest: withUser ? await passwordDigest(sha512, helo.auth, credentials.username, credentials.password) : '',
  })
}

/** Fluentd's check_pong: the server's hostname when it is accepted, else the HandshakeError. */
export async function checkPong(
  sha512: Sha512Hex,
  value: Value,
  helo: Helo,
  credentials: ClientCredentials,
  salt: string,
): Promise<string | HandshakeError> {
  const pong = readPong(value)
  if (pong === null) return new HandshakeError(`invalid format for PONG message: ${describeValue(value, 80)}`, 'invalid-pong')
  if (!pong.ok) {
    const reason = textDecoder.decode(pong.reason)
    return new HandshakeError(`authentication failed: ${reason}`, 'refused', reason)
  }
  const hostname = textDecoder.decode(pong.hostname)
  if (hostname === credentials.selfHostname)
    return new HandshakeError('same hostname between input and output: invalid configuration', 'same-hostname')
  const expected = await sharedKeyDigest(sha512, salt, pong.hostname, helo.nonce, credentials.sharedKey)
  if (!digestMatches(expected, pong.digest)) return new HandshakeError('shared key mismatch', 'digest-mismatch')
  return hostname
}

/** A server's HELO for one connection: fresh nonce and user-auth salt (Fluentd always sends one). */
export function newHelo(keepalive: boolean): Helo {
  return { nonce: newNonce(), auth: newNonce(), keepalive }
}

/** What the server checks a PING against, once the client's `<client>` rule (if any) is chosen. */
export interface PingPolicy {
  /** The client's shared key (its `<client>` rule's, or `<security>`'s). */
  sharedKey: string
  /**
   * With `user_auth`: the passwords of the configured users with the PING's username that this
   * client may use (Fluentd's select_authenticate_users); null without `user_auth`.
   */
  passwords: readonly string[] | null
}

export type PingVerdict = { ok: true; pong: Uint8Array } | { ok: false; reason: string; pong: Uint8Array }

/**
 * Fluentd's check_ping after the anonymous-source check: the shared-key digest (`shared_key
 * mismatch`), then under user_auth some user's password digest (`username/password mismatch`).
 * Gives the PONG to write either way.
 */
export async function answerPing(
  sha512: Sha512Hex,
  ping: Ping,
  helo: Helo,
  selfHostname: string,
  policy: PingPolicy,
): Promise<PingVerdict> {
  const refuse = (reason: string): PingVerdict => ({ ok: false, reason, pong: encodePongFailure(reason) })
  if (!digestMatches(await sharedKeyDigest(sha512, ping.salt, ping.hostname, helo.nonce, policy.sharedKey), ping.digest))
    return refuse('shared_key mismatch')
  if (policy.passwords !== null) {
    let ok = false
    for (const password of policy.passwords) {
      if (digestMatches(await passwordDigest(sha512, helo.auth, ping.username, password), ping.passwordDigest)) ok = true
    }
    if (!ok) return refuse('username/password mismatch')
  }
  const digest = await sharedKeyDigest(sha512, ping.salt, selfHostname, helo.nonce, policy.sharedKey)
  return { ok: true, pong: encodePongOk(selfHostname, digest) }
}
