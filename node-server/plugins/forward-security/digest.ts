/**
 * @module The digests of the Forward protocol's shared-key handshake (reference §1.6): lowercase
 * hex SHA-512 over the RAW byte concatenation of the parts, no separators. Nonces and salts are
 * bytes (possibly not UTF-8) and are hashed as they are; strings are hashed as UTF-8.
 *
 * @example
 * // the PING digest, and the PONG digest with the server's hostname
 * sharedKeyDigest(salt, 'client.local', nonce, 'secret')
 * passwordDigest(authSalt, 'alice', 'pw')
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export type Part = string | Uint8Array

/** Lowercase hex SHA-512 of the parts' bytes, concatenated. */
export function sha512Hex(...parts: readonly Part[]): string {
  const hash = createHash('sha512')
  for (const p of parts) hash.update(p)
  return hash.digest('hex')
}

/**
 * `sha512_hex(salt + hostname + nonce + shared_key)`: in a PING with the client's hostname, in a
 * PONG with the server's (same salt and nonce).
 */
export function sharedKeyDigest(salt: Part, hostname: Part, nonce: Uint8Array, sharedKey: Part): string {
  return sha512Hex(salt, hostname, nonce, sharedKey)
}

/** `sha512_hex(auth_salt + username + password)`: the user-auth digest of a PING. */
export function passwordDigest(authSalt: Uint8Array, username: Part, password: Part): string {
  return sha512Hex(authSalt, username, password)
}

/** True when `got` holds exactly the bytes of `expected` (compared in constant time). */
export function digestMatches(expected: string, got: Uint8Array): boolean {
  const want = Buffer.from(expected, 'latin1')
  return want.length === got.length && timingSafeEqual(want, got)
}

/** 16 random bytes: a HELO nonce or user-auth salt (Fluentd's `SecureRandom.random_bytes(16)`). */
export function newNonce(): Uint8Array {
  return randomBytes(16)
}

/** A client salt as Fluentd makes it: 16 random bytes as 32 lowercase hex characters. */
export function newSalt(): string {
  return randomBytes(16).toString('hex')
}
