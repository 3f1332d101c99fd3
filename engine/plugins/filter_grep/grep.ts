/**
 * @module The grep pass over an event stream, with no object per event: the core walks the entries
 * (one copy of the stream into its aux region), the matcher reads the needed fields straight from
 * the record bytes in WASM memory, and the kept entries are copied out of the original stream in
 * runs (consecutive kept entries are contiguous: one `set` per run). Everything kept → the input
 * stream itself; nothing kept → null.
 */

import type { Core } from '../../../wasm/core.ts'
import * as abi from '../../../wasm/abi.ts'
import type { EventStream } from '../../event-stream.ts'
import type { GrepMatcher } from './conditions.ts'

export interface GrepResult {
  stream: EventStream | null
  kept: number
  /** Entries whose check threw (removed from the stream; the caller routes them to @ERROR). */
  failed: { entries: Uint8Array; count: number; error: unknown } | null
}

/** Run boundaries (start, end pairs, offsets into the stream's entries), reused between calls. */
let runs = new Int32Array(64)

export function grepStream(core: Core, stream: EventStream, matcher: GrepMatcher): GrepResult {
  const entries = stream.entries
  const base = core.aux(entries)
  const status = core.exports.walkEntries(entries.length)
  if (status !== abi.STATUS_OK) throw new Error(`event stream for ${stream.tag} is not a valid entries stream (status ${status})`)
  const n = core.result(abi.R_AUX_ENTRY_COUNT)
  const table = core.result(abi.R_AUX_ENTRIES_PTR) >> 2
  // No core call happens in the loop, so these views stay valid.
  const words = core.i32()
  const bytes = core.u8()
  let kept = 0
  let runCount = 0
  let runStart = -1
  let runEnd = -1
  let failed: number[] | null = null
  let failure: unknown = null
  for (let i = 0; i < n; i++) {
    const w = table + i * abi.ENTRY_WORDS
    let keep = false
    try {
      keep = (words[w + abi.E_FLAGS] & abi.ENTRY_INVALID) === 0 && matcher.keep(bytes, words[w + abi.E_RECORD_START])
    } catch (error) {
      ;(failed ??= []).push(words[w + abi.E_ENTRY_START] - base, words[w + abi.E_ENTRY_END] - base)
      failure ??= error
    }
    if (!keep) continue
    kept++
    const start = words[w + abi.E_ENTRY_START] - base
    const end = words[w + abi.E_ENTRY_END] - base
    if (start === runEnd) {
      runEnd = end
      continue
    }
    if (runStart >= 0) runCount = pushRun(runCount, runStart, runEnd)
    runStart = start
    runEnd = end
  }
  const failedEvents = failed === null ? null : { entries: copyRanges(entries, failed), count: failed.length / 2, error: failure }
  if (kept === 0) return { stream: null, kept, failed: failedEvents }
  if (kept === n && stream.count === n) return { stream, kept, failed: null }
  runCount = pushRun(runCount, runStart, runEnd)
  let size = 0
  for (let r = 0; r < runCount; r += 2) size += runs[r + 1] - runs[r]
  const out = new Uint8Array(size)
  let at = 0
  for (let r = 0; r < runCount; r += 2) {
    out.set(entries.subarray(runs[r], runs[r + 1]), at)
    at += runs[r + 1] - runs[r]
  }
  return { stream: { tag: stream.tag, entries: out, count: kept }, kept, failed: failedEvents }
}

function copyRanges(entries: Uint8Array, ranges: number[]): Uint8Array {
  let size = 0
  for (let r = 0; r < ranges.length; r += 2) size += ranges[r + 1] - ranges[r]
  const out = new Uint8Array(size)
  let at = 0
  for (let r = 0; r < ranges.length; r += 2) {
    out.set(entries.subarray(ranges[r], ranges[r + 1]), at)
    at += ranges[r + 1] - ranges[r]
  }
  return out
}

function pushRun(count: number, start: number, end: number): number {
  if (count + 2 > runs.length) {
    const grown = new Int32Array(runs.length * 2)
    grown.set(runs)
    runs = grown
  }
  runs[count] = start
  runs[count + 1] = end
  return count + 2
}
