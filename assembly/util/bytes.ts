/**
 * @module Byte helpers for short keys (tags): an equality test and a hash that read 8 bytes at a
 * time, with a tail read by narrower loads so nothing past `n` is ever touched.
 */

/** True when the `n` bytes at `a` and `b` are equal. */
export function equalBytes(a: usize, b: usize, n: usize): bool {
  let i: usize = 0
  while (i + 8 <= n) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false
    i += 8
  }
  if (i + 4 <= n) {
    if (load<u32>(a + i) != load<u32>(b + i)) return false
    i += 4
  }
  while (i < n) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false
    i++
  }
  return true
}

/** A 32-bit hash of `n` bytes at `p` (multiply-xorshift over 8-byte words). */
export function hashBytes(p: usize, n: usize): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>n
  let i: usize = 0
  while (i + 8 <= n) {
    h = (h ^ load<u64>(p + i)) * 0xff51afd7ed558ccd
    h ^= h >> 32
    i += 8
  }
  let tail: u64 = 0
  let shift: u64 = 0
  if (i + 4 <= n) {
    tail = <u64>load<u32>(p + i)
    shift = 32
    i += 4
  }
  while (i < n) {
    tail |= <u64>load<u8>(p + i) << shift
    shift += 8
    i++
  }
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53
  h ^= h >> 29
  return <u32>h ^ <u32>(h >> 32)
}

/**
 * A 32-bit hash of a short key (`n` bytes at `p`): keys up to 8 bytes — most record keys — are
 * read with two overlapping loads that never leave `[p, p + n)` and mixed once; longer ones go to
 * `hashBytes`.
 */
export function keyHash(p: usize, n: usize): u32 {
  if (n > 8) return hashBytes(p, n)
  let x: u64 = 0
  if (n >= 4) x = <u64>load<u32>(p) | (<u64>load<u32>(p + n - 4) << 32)
  else if (n > 0) x = <u64>load<u8>(p) | (<u64>load<u8>(p + (n >> 1)) << 8) | (<u64>load<u8>(p + n - 1) << 16)
  let h: u64 = (x ^ (<u64>n << 59)) * 0x9e3779b97f4a7c15
  h ^= h >> 29
  h *= 0xbf58476d1ce4e5b9
  return <u32>(h >> 32) ^ <u32>h
}
