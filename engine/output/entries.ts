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
 * only during the call). Returns false when `bytes` is not a complete entries stream.
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
  for (let i = 0; i < n; i++) {
    if (core.entry(i, abi.E_FLAGS, true) & abi.ENTRY_INVALID) continue
    visit(core.entry(i, abi.E_ENTRY_START, true) - base, core.entry(i, abi.E_ENTRY_END, true) - base,
      core.entry(i, abi.E_SEC, true), core.entry(i, abi.E_NSEC, true),
      core.entry(i, abi.E_RECORD_START, true), core.entry(i, abi.E_RECORD_END, true), core.u8())
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
