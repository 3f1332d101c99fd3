/**
 * @module A fast skipper for complete regions (packed payloads): skips `n` objects from `p`
 * without the reader's bookkeeping. It only answers "here is where they end" or 0 for anything it
 * does not like (bad byte, too few bytes, counts that cannot fit); the caller then re-reads that
 * entry with the exact reader, which gives the precise error and offset. So the fast path never
 * changes a result, it only skips the slow path when nothing is wrong.
 */

@inline function be16(p: usize): usize { return <usize>bswap<u16>(load<u16>(p)) }
@inline function be32(p: usize): usize { return <usize>bswap<u32>(load<u32>(p)) }

export function fastSkip(p: usize, end: usize, n: usize): usize {
  while (n > 0) {
    if (p >= end || n > end - p) return 0
    const b = <u32>load<u8>(p)
    n--
    if (b < 0x80 || b >= 0xe0) { p += 1; continue }
    if (b < 0x90) { n += (b & 15) << 1; p += 1; continue }
    if (b < 0xa0) { n += b & 15; p += 1; continue }
    if (b < 0xc0) { p += 1 + (b & 31); continue }
    switch (b) {
      case 0xc0: case 0xc2: case 0xc3: p += 1; break
      case 0xcc: case 0xd0: p += 2; break
      case 0xcd: case 0xd1: case 0xd4: p += 3; break
      case 0xd5: p += 4; break
      case 0xca: case 0xce: case 0xd2: p += 5; break
      case 0xd6: p += 6; break
      case 0xcb: case 0xcf: case 0xd3: p += 9; break
      case 0xd7: p += 10; break
      case 0xd8: p += 18; break
      case 0xc4: case 0xd9: {
        if (p + 2 > end) return 0
        p += 2 + <usize>load<u8>(p + 1)
        break
      }
      case 0xc5: case 0xda: {
        if (p + 3 > end) return 0
        p += 3 + be16(p + 1)
        break
      }
      case 0xc6: case 0xdb: {
        if (p + 5 > end) return 0
        const len = be32(p + 1)
        if (len > end - p) return 0
        p += 5 + len
        break
      }
      case 0xc7: {
        if (p + 2 > end) return 0
        p += 3 + <usize>load<u8>(p + 1)
        break
      }
      case 0xc8: {
        if (p + 3 > end) return 0
        p += 4 + be16(p + 1)
        break
      }
      case 0xc9: {
        if (p + 5 > end) return 0
        const len = be32(p + 1)
        if (len > end - p) return 0
        p += 6 + len
        break
      }
      case 0xdc: {
        if (p + 3 > end) return 0
        n += be16(p + 1)
        p += 3
        break
      }
      case 0xdd: {
        if (p + 5 > end) return 0
        const c = be32(p + 1)
        if (c > end - p) return 0
        n += c
        p += 5
        break
      }
      case 0xde: {
        if (p + 3 > end) return 0
        n += be16(p + 1) << 1
        p += 3
        break
      }
      case 0xdf: {
        if (p + 5 > end) return 0
        const c = be32(p + 1)
        if (c > end - p) return 0
        n += c << 1
        p += 5
        break
      }
      default: return 0 // 0xc1
    }
  }
  return p > end ? 0 : p
}
