/**
 * @module Splits an entries stream (`[time, record]*` msgpack) into pieces of at most `byteLimit`
 * bytes at entry boundaries, walked by the core: the pieces are views of the original bytes (no
 * copy). An entry larger than the limit is a piece of its own (the caller decides what to do).
 */

import type { Core } from '../../wasm/core.ts'
import { walkEntryRanges } from '../../engine/output/entries.ts'

export interface Piece {
  entries: Uint8Array
  count: number
}

export function splitEntries(core: Core, entries: Uint8Array, count: number, byteLimit: number): Piece[] {
  if (entries.length <= byteLimit) return [{ entries, count }]
  const pieces: Piece[] = []
  let start = 0
  let end = 0
  let n = 0
  const ok = walkEntryRanges(core, entries, (s, e) => {
    if (n > 0 && e - start > byteLimit) {
      pieces.push({ entries: entries.subarray(start, end), count: n })
      start = s
      n = 0
    }
    if (n === 0) start = s
    end = e
    n++
  })
  if (!ok) throw new Error('the events are not a valid entries stream')
  if (n > 0) pieces.push({ entries: entries.subarray(start, end), count: n })
  return pieces
}
