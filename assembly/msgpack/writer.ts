/**
 * @module msgpack writers over linear memory: each writes at `p` and returns the position after
 * what it wrote, always in the smallest form. Callers make sure the room is there (`*Size`).
 */

@inline function be16(p: usize, v: u32): void { store<u16>(p, bswap<u16>(<u16>v)) }
@inline function be32(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v)) }

export function uintSize(v: u32): usize {
  return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : 5
}

export function writeUint(p: usize, v: u32): usize {
  if (v < 0x80) { store<u8>(p, <u8>v); return p + 1 }
  if (v < 0x100) { store<u8>(p, 0xcc); store<u8>(p + 1, <u8>v); return p + 2 }
  if (v < 0x10000) { store<u8>(p, 0xcd); be16(p + 1, v); return p + 3 }
  store<u8>(p, 0xce); be32(p + 1, v); return p + 5
}

export function strHeaderSize(n: usize): usize {
  return n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
}

export function writeStrHeader(p: usize, n: u32): usize {
  if (n < 32) { store<u8>(p, <u8>(0xa0 | n)); return p + 1 }
  if (n < 0x100) { store<u8>(p, 0xd9); store<u8>(p + 1, <u8>n); return p + 2 }
  if (n < 0x10000) { store<u8>(p, 0xda); be16(p + 1, n); return p + 3 }
  store<u8>(p, 0xdb); be32(p + 1, n); return p + 5
}

export function binHeaderSize(n: usize): usize {
  return n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
}

export function writeBinHeader(p: usize, n: u32): usize {
  if (n < 0x100) { store<u8>(p, 0xc4); store<u8>(p + 1, <u8>n); return p + 2 }
  if (n < 0x10000) { store<u8>(p, 0xc5); be16(p + 1, n); return p + 3 }
  store<u8>(p, 0xc6); be32(p + 1, n); return p + 5
}

export function arrayHeaderSize(n: usize): usize {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5
}

export function writeArrayHeader(p: usize, n: u32): usize {
  if (n < 16) { store<u8>(p, <u8>(0x90 | n)); return p + 1 }
  if (n < 0x10000) { store<u8>(p, 0xdc); be16(p + 1, n); return p + 3 }
  store<u8>(p, 0xdd); be32(p + 1, n); return p + 5
}

/** EventTime as fixext8 (`d7 00` + seconds + nanoseconds, big-endian): 10 bytes. */
export function writeEventTime(p: usize, sec: u32, nsec: u32): usize {
  store<u16>(p, 0x00d7)
  be32(p + 2, sec)
  be32(p + 6, nsec)
  return p + 10
}

export function writeBytes(p: usize, src: usize, n: usize): usize {
  memory.copy(p, src, n)
  return p + n
}
