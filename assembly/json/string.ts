/**
 * @module JSON strings → msgpack str. The bytes between the quotes pass through unchanged — raw
 * UTF-8, and also invalid UTF-8, kept byte for byte as Fluentd keeps raw bytes (JSON.parse over a
 * TextDecoder would turn them into U+FFFD) — except the escapes, which are decoded: `\" \\ \/ \b
 * \f \n \r \t`, `\uXXXX` to UTF-8, a surrogate pair to one 4-byte sequence, and a lone surrogate to
 * U+FFFD (EF BF BD), as TextEncoder writes a lone surrogate of a JS string. Control bytes below
 * 0x20 must be escaped (RFC 8259; JSON.parse refuses them too).
 *
 * The common string has no escape: an 8-bytes-at-a-time scan finds its end and one copy moves it.
 * With escapes the payload is decoded behind a header sized for the raw length, then moved down
 * when the decoded length needs a smaller header (always the smallest form, as every encoder).
 */

import { fail, FAIL_SYNTAX, outGrow, outLimit } from './output'

/** After writeString: the position after the closing quote, and the payload length written. */
export let strEnd: usize = 0
export let strLen: usize = 0

const ONES: u64 = 0x0101_0101_0101_0101
const HIGHS: u64 = 0x8080_8080_8080_8080

/** Bit 7 of each byte of `x` that is `"`, `\` or below 0x20 (the lowest flagged byte is exact). */
@inline function special(x: u64): u64 {
  const q = x ^ 0x2222_2222_2222_2222
  const b = x ^ 0x5c5c_5c5c_5c5c_5c5c
  return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((x - 0x2020_2020_2020_2020) & ~x)) & HIGHS
}

@inline export function strHeaderSize(n: usize): usize {
  return n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
}

@inline function writeStrHeader(o: usize, n: usize): void {
  if (n < 32) store<u8>(o, <u8>(0xa0 | n))
  else if (n < 0x100) {
    store<u8>(o, 0xd9)
    store<u8>(o + 1, <u8>n)
  } else if (n < 0x10000) {
    store<u8>(o, 0xda)
    store<u16>(o + 1, bswap<u16>(<u16>n))
  } else {
    store<u8>(o, 0xdb)
    store<u32>(o + 1, bswap<u32>(<u32>n))
  }
}

/** The first byte at or after `q` that is `"`, `\` or a control byte, or `end`. */
@inline function scanPlain(q: usize, end: usize): usize {
  while (q + 8 <= end) {
    const m = special(load<u64>(q))
    if (m != 0) return q + <usize>(ctz<u64>(m) >> 3)
    q += 8
  }
  while (q < end) {
    const c = load<u8>(q)
    if (c == 0x22 || c == 0x5c || c < 0x20) return q
    q++
  }
  return end
}

@inline function hexValue(c: u32): u32 {
  if (c - 0x30 <= 9) return c - 0x30
  const l = (c | 0x20) - 0x61
  return l <= 5 ? l + 10 : 0xffff_ffff
}

/** The 4 hex digits at q (all before `end`), or 0xffffffff with `badHexAt` set. */
let badHexAt: usize = 0
function readHex4(q: usize, end: usize): u32 {
  let v: u32 = 0
  for (let i: usize = 0; i < 4; i++) {
    if (q + i >= end) {
      badHexAt = end
      return 0xffff_ffff
    }
    const h = hexValue(<u32>load<u8>(q + i))
    if (h > 15) {
      badHexAt = q + i
      return 0xffff_ffff
    }
    v = (v << 4) | h
  }
  return v
}

@inline function writeUtf8(w: usize, cp: u32): usize {
  if (cp < 0x80) {
    store<u8>(w, <u8>cp)
    return w + 1
  }
  if (cp < 0x800) {
    store<u8>(w, <u8>(0xc0 | (cp >> 6)))
    store<u8>(w + 1, <u8>(0x80 | (cp & 0x3f)))
    return w + 2
  }
  if (cp < 0x10000) {
    store<u8>(w, <u8>(0xe0 | (cp >> 12)))
    store<u8>(w + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)))
    store<u8>(w + 2, <u8>(0x80 | (cp & 0x3f)))
    return w + 3
  }
  store<u8>(w, <u8>(0xf0 | (cp >> 18)))
  store<u8>(w + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)))
  store<u8>(w + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)))
  store<u8>(w + 3, <u8>(0x80 | (cp & 0x3f)))
  return w + 4
}

/**
 * Writes the string whose opening quote is at `p` as a msgpack str at `o`. Returns the end of what
 * it wrote (with `strEnd`, `strLen`), or 0 on failure (failKind / failAt say why and where).
 */
export function writeString(p: usize, end: usize, o: usize): usize {
  const from = p + 1
  let q = scanPlain(from, end)
  if (q < end && load<u8>(q) == 0x22) {
    const n = q - from
    // Short strings (most keys and values) move as four 8-byte words when the bytes are there.
    if (n < 32 && from + 32 <= end && o + 40 <= outLimit) {
      store<u8>(o, <u8>(0xa0 | n))
      store<u64>(o, load<u64>(from), 1)
      store<u64>(o, load<u64>(from, 8), 9)
      store<u64>(o, load<u64>(from, 16), 17)
      store<u64>(o, load<u64>(from, 24), 25)
      strEnd = q + 1
      strLen = n
      return o + 1 + n
    }
    if (o + n + 5 > outLimit) {
      o = outGrow(o, n + 5)
      if (o == 0) return 0
    }
    writeStrHeader(o, n)
    const h = strHeaderSize(n)
    memory.copy(o + h, from, n)
    strEnd = q + 1
    strLen = n
    return o + h + n
  }
  // Escapes (or an error): find how far the raw string goes to size the header.
  let r = q
  while (r < end) {
    const c = load<u8>(r)
    if (c == 0x22 || c < 0x20) break
    r += c == 0x5c ? 2 : 1
  }
  const raw = (r < end ? r : end) - from
  const h = strHeaderSize(raw)
  if (o + h + raw + 8 > outLimit) {
    o = outGrow(o, h + raw + 8)
    if (o == 0) return 0
  }
  let w = o + h
  memory.copy(w, from, q - from)
  w += q - from
  for (;;) {
    if (q >= end) {
      fail(FAIL_SYNTAX, end)
      return 0
    }
    const c = <u32>load<u8>(q)
    if (c == 0x22) break
    if (c < 0x20) {
      fail(FAIL_SYNTAX, q)
      return 0
    }
    if (c != 0x5c) {
      const next = scanPlain(q + 1, end)
      memory.copy(w, q, next - q)
      w += next - q
      q = next
      continue
    }
    if (q + 1 >= end) {
      fail(FAIL_SYNTAX, end)
      return 0
    }
    const e = <u32>load<u8>(q + 1)
    let out: u32 = 0
    switch (e) {
      case 0x22: out = 0x22; break
      case 0x5c: out = 0x5c; break
      case 0x2f: out = 0x2f; break
      case 0x62: out = 0x08; break
      case 0x66: out = 0x0c; break
      case 0x6e: out = 0x0a; break
      case 0x72: out = 0x0d; break
      case 0x74: out = 0x09; break
      case 0x75: {
        let cp = readHex4(q + 2, end)
        if (cp == 0xffff_ffff) {
          fail(FAIL_SYNTAX, badHexAt)
          return 0
        }
        q += 6
        if (cp - 0xd800 < 0x400) {
          // A high surrogate: paired only when a valid low-surrogate escape follows at once.
          let low: u32 = 0xffff_ffff
          if (q + 6 <= end && load<u8>(q) == 0x5c && load<u8>(q + 1) == 0x75) low = readHex4(q + 2, q + 6)
          if (low - 0xdc00 < 0x400) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00)
            q += 6
          } else {
            cp = 0xfffd
          }
        } else if (cp - 0xdc00 < 0x400) {
          cp = 0xfffd
        }
        w = writeUtf8(w, cp)
        continue
      }
      default:
        fail(FAIL_SYNTAX, q + 1)
        return 0
    }
    store<u8>(w, <u8>out)
    w++
    q += 2
  }
  const n = w - (o + h)
  const h2 = strHeaderSize(n)
  if (h2 < h) memory.copy(o + h2, o + h, n)
  writeStrHeader(o, n)
  strEnd = q + 1
  strLen = n
  return o + h2 + n
}
