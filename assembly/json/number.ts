/**
 * @module JSON numbers (RFC 8259 §6) → msgpack. A token without a fraction or exponent whose value
 * fits int64 or uint64 stays an exact integer in the smallest msgpack form (as @msgpack/msgpack
 * writes a safe integer, and Ruby's msgpack any Integer); every other number — a fraction, an
 * exponent, or an integer beyond the 64-bit range — is the correctly rounded float64 (`cb`), as
 * JSON.parse reads it. `-0` is the integer 0; `-0.0` is the float −0.0 (Ruby: 0 and -0.0).
 *
 * `scanNumber` validates the token and leaves what it found in the module's globals (the time-key
 * code reads them); it never reads past `end`.
 */

import { toF64 } from './float'

/** What the last scanned number was. */
export const NUM_UINT: i32 = 0
export const NUM_NEGINT: i32 = 1
export const NUM_FLOAT: i32 = 2

export let numKind: i32 = NUM_UINT
/** The magnitude, for NUM_UINT / NUM_NEGINT (NUM_NEGINT: at most 2^63). */
export let numMagnitude: u64 = 0
/** The value as a double (for every kind; an integer is rounded as Number(BigInt(text)) does). */
export let numValue: f64 = 0
/** The token's end, or where it stopped being a valid number. */
export let numEnd: usize = 0
/** The token's own exponent (after `e`), saturated at ±2^40. */
export let numExp: i64 = 0

const U64_MAX: u64 = 0xffff_ffff_ffff_ffff
const EXP_SATURATE: i64 = 1 << 40

/**
 * Scans the number at `p` (its first byte is `-` or a digit). True when the token is valid, with
 * `numEnd` after it; false with `numEnd` at the first byte that cannot continue it (or `end`).
 */
export function scanNumber(p: usize, end: usize): bool {
  let negative = false
  if (load<u8>(p) == 0x2d) {
    negative = true
    p++
    if (p >= end) {
      numEnd = p
      return false
    }
  }
  const digitsAt = p
  let man: u64 = 0
  let sig: i32 = 0 // significant digits in man (at most 19)
  let exp10: i64 = 0
  let truncated = false
  let c = <u32>load<u8>(p) - 0x30
  if (c == 0) {
    p++
  } else if (c <= 9) {
    while (p < end) {
      c = <u32>load<u8>(p) - 0x30
      if (c > 9) break
      if (sig < 19) {
        man = man * 10 + <u64>c
        sig++
      } else {
        exp10++
        if (c != 0) truncated = true
      }
      p++
    }
  } else {
    numEnd = p
    return false
  }
  const intEnd = p
  let isInt = true
  if (p < end && load<u8>(p) == 0x2e) {
    isInt = false
    p++
    const fracAt = p
    while (p < end) {
      c = <u32>load<u8>(p) - 0x30
      if (c > 9) break
      if (sig == 0 && c == 0) {
        exp10--
      } else if (sig < 19) {
        man = man * 10 + <u64>c
        sig++
        exp10--
      } else if (c != 0) {
        truncated = true
      }
      p++
    }
    if (p == fracAt) {
      numEnd = p
      return false
    }
  }
  let exp: i64 = 0
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    isInt = false
    p++
    let expNegative = false
    if (p < end) {
      const s = load<u8>(p)
      if (s == 0x2b || s == 0x2d) {
        expNegative = s == 0x2d
        p++
      }
    }
    const expAt = p
    while (p < end) {
      c = <u32>load<u8>(p) - 0x30
      if (c > 9) break
      if (exp < EXP_SATURATE) exp = exp * 10 + <i64>c
      p++
    }
    if (p == expAt) {
      numEnd = p
      return false
    }
    if (expNegative) exp = -exp
    exp10 += exp
  }
  numEnd = p
  numExp = exp
  if (isInt) {
    // Up to 19 digits are exact in man; a 20th fits when the result stays within uint64.
    let exact = !truncated && exp10 == 0
    if (!exact && exp10 == 1) {
      const last = <u64>(load<u8>(intEnd - 1) - 0x30)
      if (man <= (U64_MAX - last) / 10) {
        man = man * 10 + last
        exp10 = 0
        exact = true
      }
    }
    if (exact) {
      if (!negative || man == 0) {
        numKind = NUM_UINT
        numMagnitude = man
        numValue = <f64>man
        return true
      }
      if (man <= 0x8000_0000_0000_0000) {
        numKind = NUM_NEGINT
        numMagnitude = man
        numValue = -(<f64>man)
        return true
      }
    }
  }
  numKind = NUM_FLOAT
  numValue = toF64(man, exp10, truncated, negative, digitsAt, end, exp)
  return true
}

/** Bytes the last scanned number takes in msgpack. */
export function numberSize(): usize {
  if (numKind == NUM_FLOAT) return 9
  const m = numMagnitude
  if (numKind == NUM_UINT) return m < 0x80 ? 1 : m < 0x100 ? 2 : m < 0x10000 ? 3 : m < 0x1_0000_0000 ? 5 : 9
  return m <= 32 ? 1 : m <= 0x80 ? 2 : m <= 0x8000 ? 3 : m <= 0x8000_0000 ? 5 : 9
}

/** Writes the last scanned number at `o` in its smallest msgpack form; returns the end. */
export function writeNumber(o: usize): usize {
  const m = numMagnitude
  if (numKind == NUM_FLOAT) {
    store<u8>(o, 0xcb)
    store<u64>(o + 1, bswap<u64>(reinterpret<u64>(numValue)))
    return o + 9
  }
  if (numKind == NUM_UINT) {
    if (m < 0x80) {
      store<u8>(o, <u8>m)
      return o + 1
    }
    if (m < 0x100) {
      store<u8>(o, 0xcc)
      store<u8>(o + 1, <u8>m)
      return o + 2
    }
    if (m < 0x10000) {
      store<u8>(o, 0xcd)
      store<u16>(o + 1, bswap<u16>(<u16>m))
      return o + 3
    }
    if (m < 0x1_0000_0000) {
      store<u8>(o, 0xce)
      store<u32>(o + 1, bswap<u32>(<u32>m))
      return o + 5
    }
    store<u8>(o, 0xcf)
    store<u64>(o + 1, bswap<u64>(m))
    return o + 9
  }
  const v: i64 = -(<i64>m)
  if (m <= 32) {
    store<u8>(o, <u8>v)
    return o + 1
  }
  if (m <= 0x80) {
    store<u8>(o, 0xd0)
    store<u8>(o + 1, <u8>v)
    return o + 2
  }
  if (m <= 0x8000) {
    store<u8>(o, 0xd1)
    store<u16>(o + 1, bswap<u16>(<u16>v))
    return o + 3
  }
  if (m <= 0x8000_0000) {
    store<u8>(o, 0xd2)
    store<u32>(o + 1, bswap<u32>(<u32>v))
    return o + 5
  }
  store<u8>(o, 0xd3)
  store<u64>(o + 1, bswap<u64>(<u64>v))
  return o + 9
}
