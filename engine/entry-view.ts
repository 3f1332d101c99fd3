/**
 * @module The one way the engine walks a stream's entries: `entryView(core, stream)` gives the
 * entry index (time, record and entry positions of every entry, in the core's table layout) and
 * the bytes its positions point into. The index is built at most once per stream:
 * - in_forward gives a PackedForward stream the rows its framer already built (`rememberIndex`);
 * - filter_grep gives the stream it makes the kept rows, moved;
 * - any other stream is walked by the core the first time (one copy into the aux region), and the
 *   table is copied out and remembered with the stream (a WeakMap: it goes with the stream), so
 *   filter_grep, the chunker and `eachEntry` readers do not walk it again.
 */

import * as abi from '../wasm/abi.ts'
import type { Core } from '../wasm/core.ts'
import type { EventStream } from './event-stream.ts'

export interface EntryView {
  /** The bytes every position points into. */
  readonly mem: Uint8Array
  /** The entry table: abi.ENTRY_WORDS i32 words per entry from word `table` on (abi.E_* fields). */
  readonly words: Int32Array
  readonly table: number
  /** Entries in the table (invalid ones included: check abi.ENTRY_INVALID in E_FLAGS). */
  readonly rows: number
  /** Position of the stream's first byte in `mem`: an entry's offset in `stream.entries` is its position − base. */
  readonly base: number
}

const memo = new WeakMap<EventStream, Int32Array>()

/**
 * Gives a stream its index (rows in the abi.E_* layout, positions as offsets into
 * `stream.entries`), for a maker that knows it already (a filter that copied some entries).
 */
export function rememberIndex(stream: EventStream, rows: Int32Array): void {
  memo.set(stream, rows)
}

/** Whether the stream already carries its index (given by its maker or built by an earlier walk). */
export function hasIndex(stream: EventStream): boolean {
  return memo.has(stream)
}

/** The entry view of a stream (see the module doc); throws when the bytes are not an entries stream. */
export function entryView(core: Core, stream: EventStream): EntryView {
  // A plain Uint8Array view even when the input made a Node Buffer: what readers decode from it
  // (bin values are subarrays) stays a Uint8Array, as it was when walks read WASM memory.
  const entries =
    stream.entries.constructor === Uint8Array
      ? stream.entries
      : new Uint8Array(stream.entries.buffer, stream.entries.byteOffset, stream.entries.length)
  let rows = memo.get(stream)
  if (rows === undefined) {
    rows = indexOf(core, entries, stream.tag)
    memo.set(stream, rows)
  }
  return { mem: entries, words: rows, table: 0, rows: rows.length / abi.ENTRY_WORDS, base: 0 }
}

/** Walks owned bytes in the core and copies the table out, positions as offsets into `entries`. */
function indexOf(core: Core, entries: Uint8Array, tag: string): Int32Array {
  const base = core.aux(entries)
  const st = core.exports.walkEntries(entries.length)
  if (st !== abi.STATUS_OK) throw new Error(`event stream for ${tag} is not a valid entries stream (status ${st})`)
  const n = core.result(abi.R_AUX_ENTRY_COUNT)
  const from = core.result(abi.R_AUX_ENTRIES_PTR) >> 2
  return rowsAt(core, from, n, base)
}

/**
 * `count` rows of the core's entry table from word `from`, copied out with their positions made
 * offsets from `base` (where the stream's first byte sits in WASM memory).
 */
export function rowsAt(core: Core, from: number, count: number, base: number): Int32Array {
  const rows = core.i32().slice(from, from + count * abi.ENTRY_WORDS)
  for (let w = 0; w < rows.length; w += abi.ENTRY_WORDS) {
    rows[w + abi.E_RECORD_START] -= base
    rows[w + abi.E_RECORD_END] -= base
    rows[w + abi.E_ENTRY_START] -= base
    rows[w + abi.E_ENTRY_END] -= base
  }
  return rows
}

/**
 * Calls `visit` for every valid entry: its time, its record's `[start, end)` in `mem`, and its
 * `[start, end)` in `stream.entries` (here `mem` is `stream.entries`).
 */
export function forEachEntry(
  core: Core,
  stream: EventStream,
  visit: (sec: number, nsec: number, recordStart: number, recordEnd: number, mem: Uint8Array, entryStart: number, entryEnd: number) => void,
): void {
  const { mem, words, table, rows, base } = entryView(core, stream)
  for (let i = 0, w = table; i < rows; i++, w += abi.ENTRY_WORDS) {
    if (words[w + abi.E_FLAGS] & abi.ENTRY_INVALID) continue
    visit(
      words[w + abi.E_SEC] >>> 0,
      words[w + abi.E_NSEC] >>> 0,
      words[w + abi.E_RECORD_START],
      words[w + abi.E_RECORD_END],
      mem,
      words[w + abi.E_ENTRY_START] - base,
      words[w + abi.E_ENTRY_END] - base,
    )
  }
}
