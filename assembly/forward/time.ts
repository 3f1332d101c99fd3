/**
 * @module Reads an event time from the header the reader just read: integers 0…2^32−1 of any
 * width, EventTime (ext type 0, 8 bytes, as fixext8 or ext8) and msgpack Timestamp (ext type −1,
 * when the seconds fit in 32 bits). Sets `timeSec`, `timeNsec`, `timeIsInt`; returns validity.
 */

import { K_UINT, K_INT, K_EXT } from '../msgpack/format'
import { hKind, hStart, hPayload, hEnd, hExtType, loadBe16, loadBe32 } from '../msgpack/reader'

export let timeSec: u32 = 0
export let timeNsec: u32 = 0
export let timeIsInt: bool = false

function setTime(sec: u32, nsec: u32, isInt: bool): bool {
  timeSec = sec
  timeNsec = nsec
  timeIsInt = isInt
  return true
}

/** Reads an unsigned integer value of the current header; returns false when it is not in 0…2^32−1. */
function readUint32(): bool {
  const n = hEnd - hPayload
  const b = <u32>load<u8>(hStart)
  if (hKind == K_UINT) {
    if (n == 0) return setTime(b, 0, true)
    if (n == 1) return setTime(<u32>load<u8>(hPayload), 0, true)
    if (n == 2) return setTime(loadBe16(hPayload), 0, true)
    if (n == 4) return setTime(loadBe32(hPayload), 0, true)
    if (loadBe32(hPayload) != 0) return false
    return setTime(loadBe32(hPayload + 4), 0, true)
  }
  // Signed encodings: negative fixints are < 0; d0..d3 may hold non-negative values.
  if (n == 0) return false
  if (n == 1) { const v = <i32>load<i8>(hPayload); return v < 0 ? false : setTime(<u32>v, 0, true) }
  if (n == 2) { const v = <i32><i16>loadBe16(hPayload); return v < 0 ? false : setTime(<u32>v, 0, true) }
  if (n == 4) { const v = <i32>loadBe32(hPayload); return v < 0 ? false : setTime(<u32>v, 0, true) }
  if (loadBe32(hPayload) != 0) return false
  return setTime(loadBe32(hPayload + 4), 0, true)
}

/** True when the current header is a valid time; sets the time globals. */
export function readTime(): bool {
  timeSec = 0
  timeNsec = 0
  timeIsInt = false
  if (hKind == K_UINT || hKind == K_INT) return readUint32()
  if (hKind != K_EXT) return false
  const b = <u32>load<u8>(hStart)
  const n = hEnd - hPayload
  if (hExtType == 0) {
    if (n == 8 && (b == 0xd7 || b == 0xc7)) return setTime(loadBe32(hPayload), loadBe32(hPayload + 4), false)
    return false
  }
  if (hExtType != -1) return false
  if (b == 0xd6) return setTime(loadBe32(hPayload), 0, false)
  if (b == 0xd7) {
    const hi = loadBe32(hPayload)
    if ((hi & 3) != 0) return false
    return setTime(loadBe32(hPayload + 4), hi >> 2, false)
  }
  if (b == 0xc7 && n == 12) {
    if (loadBe32(hPayload + 4) != 0) return false
    return setTime(loadBe32(hPayload + 8), loadBe32(hPayload), false)
  }
  return false
}
