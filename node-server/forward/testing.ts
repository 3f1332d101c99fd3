/**
 * @module Test support (not a test file): the §1.6 digests computed synchronously with node:crypto,
 * for tests that play a Forward client or server by hand (the engine's digests are async: they take
 * WebCrypto too). An independent few lines, so these tests also check the engine's handshake.
 */

import { createHash } from 'node:crypto'

type Part = string | Uint8Array

function sha512Hex(...parts: Part[]): string {
  const hash = createHash('sha512')
  for (const p of parts) hash.update(p)
  return hash.digest('hex')
}

/** `sha512_hex(salt + hostname + nonce + shared_key)`. */
export function sharedKeyDigest(salt: Part, hostname: Part, nonce: Uint8Array, sharedKey: Part): string {
  return sha512Hex(salt, hostname, nonce, sharedKey)
}

/** `sha512_hex(auth_salt + username + password)`. */
export function passwordDigest(authSalt: Uint8Array, username: Part, password: Part): string {
  return sha512Hex(authSalt, username, password)
}
