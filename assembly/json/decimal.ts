/**
 * @module The slow, always-correct decimal → float64 conversion: the fallback behind Eisel–Lemire
 * for the rare inputs it cannot decide (halfway cases, more than 19 significant digits that round
 * both ways). The number is held as up to 800 decimal digits plus a decimal point and a "truncated"
 * flag, shifted by powers of two until it lies in [0.5, 1), then 53 bits are taken and rounded half
 * to even (the "simple decimal conversion" algorithm, as Go's strconv had it before Eisel–Lemire).
 * 800 digits suffice: beyond them the flag alone decides the halfway case.
 */

const MAX_DIGITS: i32 = 800
/** Largest shift per step: 9 × 2^60 + carry still fits a u64. */
const MAX_SHIFT: i32 = 60

/** Digit values 0..9 (not ASCII), most significant first; no leading zeros. */
const digits: usize = memory.data(MAX_DIGITS + 64)
/** Scratch for a left shift (its digits come out least significant first). */
const scratch: usize = memory.data(MAX_DIGITS + 128)
/** Bits taken per shift while scaling into range, by decimal exponent (Go's powtab). */
const POWTAB: usize = memory.data<u8>([1, 3, 6, 9, 13, 16, 19, 23, 26])

let nd: i32 = 0
/** The value is 0.d1d2… × 10^dp. */
let dp: i32 = 0
/** Nonzero digits were dropped past MAX_DIGITS. */
let trunc: bool = false

@inline function digit(i: i32): u32 {
  return <u32>load<u8>(digits + <usize>i)
}

function trim(): void {
  while (nd > 0 && digit(nd - 1) == 0) nd--
  if (nd == 0) dp = 0
}

/**
 * Loads the JSON number token at [p, end) (already validated: `-?int(.frac)?([eE][+-]?exp)?`).
 * `exp` is the token's exponent, saturated by the caller so it cannot overflow.
 */
function loadDigits(p: usize, end: usize, exp: i64): void {
  nd = 0
  trunc = false
  let point: i64 = 0
  let sawPoint = false
  let seenNonZero = false
  while (p < end) {
    const c = <u32>load<u8>(p)
    if (c == 0x2e) {
      sawPoint = true
      p++
      continue
    }
    const d = c - 0x30
    if (d > 9) break
    p++
    if (d == 0 && !seenNonZero) {
      // A leading zero: before the point it changes nothing, after it it moves the point.
      if (sawPoint) point--
      continue
    }
    seenNonZero = true
    if (!sawPoint) point++
    if (nd < MAX_DIGITS) {
      store<u8>(digits + <usize>nd, <u8>d)
      nd++
    } else if (d != 0) {
      trunc = true
    }
  }
  point += exp
  // The caller settles the far-out exponents (zero / infinity) before coming here.
  dp = point > 100000 ? 100000 : point < -100000 ? -100000 : <i32>point
  trim()
}

function rightShift(k: u32): void {
  let r: i32 = 0
  let w: i32 = 0
  let n: u64 = 0
  // Pick up enough leading digits to cover the first shift.
  for (; n >> k == 0; r++) {
    if (r >= nd) {
      if (n == 0) {
        nd = 0
        return
      }
      while (n >> k == 0) {
        n = n * 10
        r++
      }
      break
    }
    n = n * 10 + <u64>digit(r)
  }
  dp -= r - 1
  const mask: u64 = ((<u64>1) << k) - 1
  // Pick up a digit, put down a digit.
  for (; r < nd; r++) {
    const c = <u64>digit(r)
    const dig = n >> k
    n &= mask
    store<u8>(digits + <usize>w, <u8>dig)
    w++
    n = n * 10 + c
  }
  // Put down the extra digits.
  while (n > 0) {
    const dig = n >> k
    n &= mask
    if (w < MAX_DIGITS) {
      store<u8>(digits + <usize>w, <u8>dig)
      w++
    } else if (dig > 0) {
      trunc = true
    }
    n = n * 10
  }
  nd = w
  trim()
}

function leftShift(k: u32): void {
  let n: u64 = 0
  let t: i32 = 0
  for (let r = nd - 1; r >= 0; r--) {
    n += (<u64>digit(r)) << k
    const quo = n / 10
    store<u8>(scratch + <usize>t, <u8>(n - quo * 10))
    t++
    n = quo
  }
  while (n > 0) {
    const quo = n / 10
    store<u8>(scratch + <usize>t, <u8>(n - quo * 10))
    t++
    n = quo
  }
  const delta = t - nd
  let w: i32 = 0
  for (let i = t - 1; i >= 0; i--) {
    const d = load<u8>(scratch + <usize>i)
    if (w < MAX_DIGITS) {
      store<u8>(digits + <usize>w, d)
      w++
    } else if (d != 0) {
      trunc = true
    }
  }
  nd = w
  dp += delta
  trim()
}

function shift(k: i32): void {
  if (nd == 0) return
  if (k > 0) {
    while (k > MAX_SHIFT) {
      leftShift(<u32>MAX_SHIFT)
      k -= MAX_SHIFT
    }
    leftShift(<u32>k)
  } else if (k < 0) {
    while (k < -MAX_SHIFT) {
      rightShift(<u32>MAX_SHIFT)
      k += MAX_SHIFT
    }
    rightShift(<u32>-k)
  }
}

/** Should the integer part (the first `n` digits) round up? Half to even, the truncated tail counting as more than half. */
function roundUp(n: i32): bool {
  if (n < 0 || n >= nd) return false
  if (digit(n) == 5 && n + 1 == nd) {
    if (trunc) return true
    return n > 0 && (digit(n - 1) & 1) == 1
  }
  return digit(n) >= 5
}

function roundedInteger(): u64 {
  if (dp > 20) return 0xffff_ffff_ffff_ffff
  let i: i32 = 0
  let n: u64 = 0
  for (; i < dp && i < nd; i++) n = n * 10 + <u64>digit(i)
  for (; i < dp; i++) n *= 10
  if (roundUp(dp)) n++
  return n
}

/** The correctly rounded float64 of the validated number token at [p, end) with exponent `exp`. */
export function slowParse(p: usize, end: usize, exp: i64, negative: bool): f64 {
  loadDigits(p, end, exp)
  const BIAS: i32 = -1023
  let e: i32 = 0
  let mant: u64 = 0
  let bits: u64 = 0
  if (nd == 0 || dp < -330) {
    bits = 0
  } else if (dp > 310) {
    bits = 0x7ff0_0000_0000_0000
  } else {
    // Scale by powers of two into [0.5, 1).
    while (dp > 0) {
      const n: i32 = dp >= 9 ? 27 : <i32>load<u8>(POWTAB + <usize>dp)
      shift(-n)
      e += n
    }
    while (dp < 0 || (dp == 0 && digit(0) < 5)) {
      const n: i32 = -dp >= 9 ? 27 : <i32>load<u8>(POWTAB + <usize>-dp)
      shift(n)
      e -= n
    }
    // [0.5, 1) → [1, 2).
    e--
    // Below the smallest normal exponent: denormalize.
    if (e < BIAS + 1) {
      const n = BIAS + 1 - e
      shift(-n)
      e += n
    }
    if (e - BIAS >= 0x7ff) {
      bits = 0x7ff0_0000_0000_0000
    } else {
      shift(53)
      mant = roundedInteger()
      let overflow = false
      if (mant == (<u64>2) << 52) {
        mant >>= 1
        e++
        if (e - BIAS >= 0x7ff) overflow = true
      }
      if (overflow) {
        bits = 0x7ff0_0000_0000_0000
      } else {
        if ((mant & ((<u64>1) << 52)) == 0) e = BIAS
        bits = (mant & 0x000f_ffff_ffff_ffff) | ((<u64>((e - BIAS) & 0x7ff)) << 52)
      }
    }
  }
  if (negative) bits |= 0x8000_0000_0000_0000
  return reinterpret<f64>(bits)
}
