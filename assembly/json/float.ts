/**
 * @module Decimal → float64, correctly rounded for every input (the same double JSON.parse gives):
 * Clinger's fast path when the digits and the power of ten are both exact doubles, else the
 * Eisel–Lemire algorithm over a 128-bit table of powers of ten, else — for the rare inputs it cannot
 * decide — the slow big-decimal conversion of decimal.ts.
 */

import { POW10_MIN_EXP, POW10_MAX_EXP, POW10_TABLE } from './pow10-table'
import { slowParse } from './decimal'

/** 1e0 … 1e22: exact as doubles. */
const EXACT_POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
])

/** The high 64 bits of the 128-bit product a × b. */
@inline function mulHigh(a: u64, b: u64): u64 {
  const aLo = a & 0xffff_ffff
  const aHi = a >> 32
  const bLo = b & 0xffff_ffff
  const bHi = b >> 32
  const lolo = aLo * bLo
  const lohi = aLo * bHi
  const hilo = aHi * bLo
  const hihi = aHi * bHi
  const mid = (lolo >> 32) + (lohi & 0xffff_ffff) + (hilo & 0xffff_ffff)
  return hihi + (lohi >> 32) + (hilo >> 32) + (mid >> 32)
}

/** Set by eiselLemire when it succeeds. */
let elBits: u64 = 0

/**
 * man × 10^exp10 (man ≠ 0) as float64 bits in `elBits`; false when the algorithm cannot decide
 * (a halfway case, or a result that is subnormal, infinite or out of the table).
 */
function eiselLemire(man: u64, exp10: i32): bool {
  if (exp10 < POW10_MIN_EXP || exp10 > POW10_MAX_EXP) return false
  // Normalization.
  const lz = <i32>clz<u64>(man)
  man <<= <u64>lz
  let retExp2: u64 = <u64>(((217706 * exp10) >> 16) + 64 + 1023) - <u64>lz
  // Multiplication.
  const entry = POW10_TABLE + (<usize>(exp10 - POW10_MIN_EXP) << 4)
  const tHi = load<u64>(entry)
  const tLo = load<u64>(entry, 8)
  let xHi = mulHigh(man, tHi)
  let xLo = man * tHi
  // Wider approximation.
  if ((xHi & 0x1ff) == 0x1ff && xLo + man < man) {
    const yHi = mulHigh(man, tLo)
    const yLo = man * tLo
    let mergedHi = xHi
    const mergedLo = xLo + yHi
    if (mergedLo < xLo) mergedHi++
    if ((mergedHi & 0x1ff) == 0x1ff && mergedLo + 1 == 0 && yLo + man < man) return false
    xHi = mergedHi
    xLo = mergedLo
  }
  // Shifting to 54 bits.
  const msb = xHi >> 63
  let mantissa = xHi >> (msb + 9)
  retExp2 -= 1 ^ msb
  // Half-way ambiguity.
  if (xLo == 0 && (xHi & 0x1ff) == 0 && (mantissa & 3) == 1) return false
  // From 54 to 53 bits.
  mantissa += mantissa & 1
  mantissa >>= 1
  if (mantissa >> 53 > 0) {
    mantissa >>= 1
    retExp2 += 1
  }
  // Zero / subnormal or infinite: leave it to the slow path.
  if (retExp2 - 1 >= 0x7ff - 1) return false
  elBits = (retExp2 << 52) | (mantissa & 0x000f_ffff_ffff_ffff)
  return true
}

/**
 * The float64 of the number token at [digitsAt, end) (after any minus sign), given what the scanner
 * gathered: the first ≤ 19 significant digits `man`, the power of ten `exp10` that scales them,
 * whether nonzero digits were left out (`truncated`), and the token's own exponent `exp` (for the
 * slow path, which re-reads the digits).
 */
export function toF64(man: u64, exp10: i64, truncated: bool, negative: bool, digitsAt: usize, end: usize, exp: i64): f64 {
  const sign: u64 = negative ? 0x8000_0000_0000_0000 : 0
  if (man == 0) return reinterpret<f64>(sign)
  // man < 10^19: below 10^-343 it rounds to zero, above 10^310 to infinity.
  if (exp10 < -343 - 19) return reinterpret<f64>(sign)
  if (exp10 > 310) return reinterpret<f64>(sign | 0x7ff0_0000_0000_0000)
  const e = <i32>exp10
  if (!truncated && man <= (<u64>1) << 53 && e >= -22 && e <= 22) {
    const m = <f64>man
    const f = e < 0 ? m / load<f64>(EXACT_POW10 + (<usize>-e << 3)) : m * load<f64>(EXACT_POW10 + (<usize>e << 3))
    return negative ? -f : f
  }
  if (eiselLemire(man, e)) {
    const bits = elBits
    // With digits left out the true value lies in [man, man + 1) × 10^e: both ends must agree.
    if (!truncated || (eiselLemire(man + 1, e) && elBits == bits)) return reinterpret<f64>(sign | bits)
  }
  return slowParse(digitsAt, end, exp, negative)
}
