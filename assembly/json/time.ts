/**
 * @module A record's time value → EventTime (sec, nsec), per time mode:
 * - FLOAT (Fluentd's json parser default, time_type float): the number as written is split at its
 *   decimal point — seconds = the integer part, nanoseconds = the first 9 fraction digits,
 *   truncated — with the exponent applied exactly first (`1.5e9` → 1500000000 s). Fluentd splits
 *   Ruby's Float#to_s, i.e. the double's shortest digits; reading the written digits keeps every
 *   nanosecond a double would lose (and avoids Float#to_s's exponent form below 1e-4).
 * - UNIXTIME (time_type unixtime, `to_i`): the integer part, nanoseconds 0.
 * - DOUBLE (in_http's `Time.at(value)`, as sluice's EventTime.fromFloat): the double JSON.parse
 *   reads, seconds = floor, nanoseconds = Math.round(fraction × 1e9) mod 1e9.
 * Seconds must lie in [0, 2^32); anything else (negative, too large, infinite) is out of range.
 */

import { NUM_FLOAT } from './number'

export const TIME_FLOAT: i32 = 0
export const TIME_UNIXTIME: i32 = 1
export const TIME_DOUBLE: i32 = 2

export let sec: u32 = 0
export let nsec: u32 = 0

const TWO_32: f64 = 4294967296.0

/** The double → (sec, nsec) of EventTime.fromFloat. False when out of range. */
function fromDouble(x: f64): bool {
  if (!(x >= 0 && x < TWO_32)) return false
  const s = Math.floor(x)
  const v = (x - s) * 1e9
  let r = Math.floor(v)
  if (v - r >= 0.5) r += 1 // Math.round (ties up) without the x + 0.5 rounding error
  sec = <u32>s
  nsec = <u32>r % 1_000_000_000
  return true
}

/**
 * The decimal split of the validated number token [p, end). `withFraction`: keep 9 fraction digits.
 * False when out of range.
 */
function fromText(p: usize, end: usize, withFraction: bool): bool {
  let negative = false
  if (load<u8>(p) == 0x2d) {
    negative = true
    p++
  }
  // The digits: the integer part [p, intEnd), then the fraction [fracAt, fracEnd).
  let q = p
  while (q < end && <u32>load<u8>(q) - 0x30 <= 9) q++
  const intEnd = q
  let fracAt = q
  let fracEnd = q
  if (q < end && load<u8>(q) == 0x2e) {
    fracAt = q + 1
    q = fracAt
    while (q < end && <u32>load<u8>(q) - 0x30 <= 9) q++
    fracEnd = q
  }
  let exp: i64 = 0
  if (q < end) {
    // [eE][+-]?digits, saturated
    q++
    let expNegative = false
    if (q < end && (load<u8>(q) == 0x2b || load<u8>(q) == 0x2d)) {
      expNegative = load<u8>(q) == 0x2d
      q++
    }
    while (q < end) {
      if (exp < 1 << 40) exp = exp * 10 + <i64>(<u32>load<u8>(q) - 0x30)
      q++
    }
    if (expNegative) exp = -exp
  }
  const intLen = <i64>(intEnd - p)
  const total = intLen + <i64>(fracEnd - fracAt)
  // Skip leading zeros; all zeros is 0 whatever the sign and exponent.
  let first: i64 = 0
  while (first < total && digitAt(p, intLen, fracAt, first) == 0) first++
  if (first == total) {
    sec = 0
    nsec = 0
    return true
  }
  if (negative) return false
  // The decimal point sits before digit index `point`.
  const point = intLen + exp
  if (point - first > 10) return false
  let s: u64 = 0
  for (let i = first; i < point; i++) s = s * 10 + <u64>(i < total ? digitAt(p, intLen, fracAt, i) : 0)
  if (s >= 0x1_0000_0000) return false
  let n: u32 = 0
  if (withFraction) {
    for (let i: i64 = 0; i < 9; i++) {
      const at = point + i
      n = n * 10 + (at >= first && at < total ? digitAt(p, intLen, fracAt, at) : 0)
    }
  }
  sec = <u32>s
  nsec = n
  return true
}

@inline function digitAt(p: usize, intLen: i64, fracAt: usize, i: i64): u32 {
  return i < intLen ? <u32>load<u8>(p + <usize>i) - 0x30 : <u32>load<u8>(fracAt + <usize>(i - intLen)) - 0x30
}

/**
 * Converts the number token [p, end) (its double `value`, its kind from number.ts) per `mode`.
 * False when out of range.
 */
export function timeOf(mode: i32, p: usize, end: usize, kind: i32, value: f64): bool {
  if (mode == TIME_DOUBLE) return fromDouble(value)
  return fromText(p, end, mode == TIME_FLOAT && kind == NUM_FLOAT)
}
