/**
 * @module The grep pass over an event stream, with no object per event. When every condition is a
 * byte literal test (core-program.ts), the core does the whole pass in one call: walk, test, and
 * compact the kept entries and their index rows (`grepEntries`); the result is copied out once.
 * Otherwise (or when the core meets a value it does not stringify: floats, arrays, maps) the JS
 * pass: the stream's entry index
 * (entry-view.ts: the framer's rows for in_forward's PackedForward streams, else built once), the
 * matcher reading the needed fields straight from the record bytes, and the kept entries copied out
 * of the stream in runs (consecutive kept entries are contiguous: one `set` per run). The new
 * stream carries its own index (the kept rows, moved), so a later walk (the chunker's) is free.
 * Everything kept → the input stream itself; nothing kept → null.
 */

import { type Core, CoreError } from '../../../wasm/core.ts'
import * as abi from '../../../wasm/abi.ts'
import { entryView, rememberIndex } from '../../entry-view.ts'
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
/** Kept row numbers, reused between calls. */
let keptRows = new Int32Array(1024)

export function grepStream(core: Core, stream: EventStream, matcher: GrepMatcher, program: Uint8Array | null = null): GrepResult {
  if (program !== null) {
    const result = grepInCore(core, stream, program)
    if (result !== null) return result
  }
  return grepInJs(core, stream, matcher)
}

/** The core's pass; null when it met a value it cannot test (the JS pass decides the stream). */
export function grepInCore(core: Core, stream: EventStream, program: Uint8Array): GrepResult | null {
  const entries = stream.entries
  const len = entries.length
  const programStart = (len + 3) & ~3
  const ptr = core.exports.auxReserve(programStart + program.length)
  if (ptr === 0) throw new CoreError('core.wasm is out of memory (aux region)')
  const u8 = core.u8()
  u8.set(entries, ptr)
  u8.set(program, ptr + programStart)
  const st = core.exports.grepEntries(len, programStart, program.length)
  if (st === abi.STATUS_UNSUPPORTED) return null
  if (st === abi.STATUS_NO_MEMORY) throw new CoreError('core.wasm is out of memory (aux entry table)')
  if (st !== abi.STATUS_OK) throw new Error(`event stream for ${stream.tag} is not a valid entries stream (status ${st})`)
  const kept = core.result(abi.R_AUX_ENTRY_COUNT)
  if (kept === 0) return { stream: null, kept, failed: null }
  if (core.result(abi.R_AUX_INVALID_COUNT) === 0 && stream.count === kept) return { stream, kept, failed: null }
  const from = core.result(abi.R_OUT_PTR)
  const out = core.u8().slice(from, from + core.result(abi.R_OUT_LEN))
  const table = core.result(abi.R_AUX_ENTRIES_PTR) >> 2
  const result: EventStream = { tag: stream.tag, entries: out, count: kept }
  rememberIndex(result, core.i32().slice(table, table + kept * abi.ENTRY_WORDS))
  return { stream: result, kept, failed: null }
}

function grepInJs(core: Core, stream: EventStream, matcher: GrepMatcher): GrepResult {
  // The index of a stream is its own (entry-view.ts): no core call happens here.
  const { mem, words, table, rows: n, base } = entryView(core, stream)
  if (keptRows.length < n) keptRows = new Int32Array(Math.max(n, keptRows.length * 2))
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
      keep = (words[w + abi.E_FLAGS] & abi.ENTRY_INVALID) === 0 && matcher.keep(mem, words[w + abi.E_RECORD_START])
    } catch (error) {
      ;(failed ??= []).push(words[w + abi.E_ENTRY_START] - base, words[w + abi.E_ENTRY_END] - base)
      failure ??= error
    }
    if (!keep) continue
    keptRows[kept++] = i
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
  const entries = stream.entries
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
  // The kept rows, moved to their offsets in `out` (kept entries are laid out in order).
  const index = new Int32Array(kept * abi.ENTRY_WORDS)
  let outAt = 0
  for (let k = 0, o = 0; k < kept; k++, o += abi.ENTRY_WORDS) {
    const w = table + keptRows[k] * abi.ENTRY_WORDS
    const start = words[w + abi.E_ENTRY_START] - base
    const end = words[w + abi.E_ENTRY_END] - base
    const shift = start - outAt
    index[o + abi.E_SEC] = words[w + abi.E_SEC]
    index[o + abi.E_NSEC] = words[w + abi.E_NSEC]
    index[o + abi.E_RECORD_START] = words[w + abi.E_RECORD_START] - base - shift
    index[o + abi.E_RECORD_END] = words[w + abi.E_RECORD_END] - base - shift
    index[o + abi.E_ENTRY_START] = outAt
    index[o + abi.E_ENTRY_END] = end - shift
    index[o + abi.E_FLAGS] = words[w + abi.E_FLAGS]
    outAt += end - start
  }
  const result: EventStream = { tag: stream.tag, entries: out, count: kept }
  rememberIndex(result, index)
  return { stream: result, kept, failed: failedEvents }
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
