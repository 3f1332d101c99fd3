/**
 * @module The digests of the Forward protocol's shared-key handshake (reference §1.6): lowercase
 * hex SHA-512 over the RAW byte concatenation of the parts, no separators. Nonces and salts are
 * bytes (possibly not UTF-8) and are hashed as they are; strings are hashed as UTF-8.
 *
 * The hash itself is injected (`Sha512Hex`): node-server passes node:crypto's (synchronous,
 * node-server/forward/sha512.ts), the edge passes WebCrypto's `crypto.subtle` (a promise,
 * `webCryptoSha512` here). The functions here await either, so one implementation serves both;
 * a handshake computes two or three digests per connection, never per event.
 *
 * @example
 * // the PING digest, and the PONG digest with the server's hostname
 * await sharedKeyDigest(sha512, salt, 'client.local', nonce, 'secret')
 * await passwordDigest(sha512, authSalt, 'alice', 'pw')
 */

/** Lowercase hex SHA-512 of `data`: synchronous (node:crypto) or a promise (WebCrypto). */
export type Sha512Hex = (data: Uint8Array) => string | Promise<string>

export type Part = string | Uint8Array

const textEncoder = new TextEncoder()
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]]
  return out
}

/** WebCrypto's SHA-512 (`crypto.subtle`: Workers, browsers, and Node's webcrypto). */
export const webCryptoSha512: Sha512Hex = async (data) =>
  toHex(new Uint8Array(await crypto.subtle.digest('SHA-512', data as Uint8Array<ArrayBuffer>)))

/** The parts' bytes, concatenated (strings as UTF-8). */
export function joinParts(parts: readonly Part[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? textEncoder.encode(p) : p))
  let n = 0
  for (const a of arrays) n += a.length
  const out = new Uint8Array(n)
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}

/**
 * `sha512_hex(salt + hostname + nonce + shared_key)`: in a PING with the client's hostname, in a
 * PONG with the server's (same salt and nonce).
 */
export async function sharedKeyDigest(sha512: Sha512Hex, salt: Part, hostname: Part, nonce: Uint8Array, sharedKey: Part): Promise<string> {
  return sha512(joinParts([salt, hostname, nonce, sharedKey]))
}

/** `sha512_hex(auth_salt + username + password)`: the user-auth digest of a PING. */
export async function passwordDigest(sha512: Sha512Hex, authSalt: Uint8Array, username: Part, password: Part): Promise<string> {
  return sha512(joinParts([authSalt, username, password]))
}

/**
 * True when `got` holds exactly the bytes of `expected` (ASCII hex). The comparison takes the same
 * time wherever the first difference is (no early exit), so a digest cannot be guessed byte by byte.
 */
export function digestMatches(expected: string, got: Uint8Array): boolean {
  if (expected.length !== got.length) return false
  let diff = 0
  for (let i = 0; i < got.length; i++) diff |= ((expected.charCodeAt(i) & 0xff) ^ got[i]) | (expected.charCodeAt(i) >> 8)
  return diff === 0
}

/** 16 random bytes: a HELO nonce or user-auth salt (Fluentd's `SecureRandom.random_bytes(16)`). */
export function newNonce(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16))
}

/** A client salt as Fluentd makes it: 16 random bytes as 32 lowercase hex characters. */
export function newSalt(): string {
  return toHex(newNonce())
}
