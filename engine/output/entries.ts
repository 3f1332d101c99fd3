/**
 * @module Entry-level walks over chunk bytes with the core (no object per event): the byte range
 * and time of every entry, and the longest prefix of complete entries (to resume a chunk file
 * whose last append was cut short).
 */

import type { Core } from '../../wasm/core.ts'
import * as abi from '../../wasm/abi.ts'

/**
 * Calls `visit` for every valid entry of `bytes` (a `[time, record]*` stream) with its range
 * `[start, end)` in `bytes`, its time, and its record's range in `mem` (a view of WASM memory valid
 * only during the call; `visit` must not call the core). Returns false when `bytes` is not a
 * complete entries stream.
 */
export function walkEntryRanges(
  core: Core,
  bytes: Uint8Array,
  visit: (start: number, end: number, sec: number, nsec: number, recordStart: number, recordEnd: number, mem: Uint8Array) => void,
): boolean {
  const base = core.aux(bytes)
  const st = core.exports.walkEntries(bytes.length)
  if (st !== abi.STATUS_OK) return false
  const n = core.result(abi.R_AUX_ENTRY_COUNT)
  // One pair of views for the whole walk: `visit` makes no core call, so memory cannot grow meanwhile.
  const words = core.i32()
  const mem = core.u8()
  let w = core.result(abi.R_AUX_ENTRIES_PTR) >> 2
  for (let i = 0; i < n; i++, w += abi.ENTRY_WORDS) {
    if (words[w + abi.E_FLAGS] & abi.ENTRY_INVALID) continue
    visit(
      (words[w + abi.E_ENTRY_START] >>> 0) - base,
      (words[w + abi.E_ENTRY_END] >>> 0) - base,
      words[w + abi.E_SEC] >>> 0,
      words[w + abi.E_NSEC] >>> 0,
      words[w + abi.E_RECORD_START] >>> 0,
      words[w + abi.E_RECORD_END] >>> 0,
      mem,
    )
  }
  return true
}

/** Valid and invalid entries in `bytes`, or null when it is not a complete entries stream. */
export function countEntries(core: Core, bytes: Uint8Array): { count: number; invalid: number } | null {
  core.aux(bytes)
  if (core.exports.walkEntries(bytes.length) !== abi.STATUS_OK) return null
  return { count: core.result(abi.R_AUX_ENTRY_COUNT) - core.result(abi.R_AUX_INVALID_COUNT), invalid: core.result(abi.R_AUX_INVALID_COUNT) }
}

/**
 * The longest prefix of `bytes` made of complete msgpack objects, and how many valid entries it
 * holds. A stream cut in the middle of its last entry gives everything before that entry.
 */
export function completePrefix(core: Core, bytes: Uint8Array): { bytes: number; count: number; invalid: number } {
  let end = bytes.length
  for (let attempt = 0; attempt < 256; attempt++) {
    const view = bytes.subarray(0, end)
    core.aux(view)
    const st = core.exports.walkEntries(end)
    if (st === abi.STATUS_OK) {
      const invalid = core.result(abi.R_AUX_INVALID_COUNT)
      return { bytes: end, count: core.result(abi.R_AUX_ENTRY_COUNT) - invalid, invalid }
    }
    if (st !== abi.STATUS_INVALID) break
    // The error offset of an aux walk is relative to the walked bytes.
    const at = core.result(abi.R_ERROR_OFFSET)
    if (at >= end) end--
    else end = at
    if (end <= 0) break
  }
  return { bytes: 0, count: 0, invalid: 0 }
}
