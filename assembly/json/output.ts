/**
 * @module The transcoder's output region (core-owned, grown geometrically and reused, never
 * shrunk) and the failure state every JSON routine reports through. Positions kept across a write
 * that may grow the region are offsets from `outBase`; a grown region has a new base.
 */

import { grow } from '../util/alloc'

/** Why the last JSON routine failed. */
export const FAIL_NONE: i32 = 0
export const FAIL_SYNTAX: i32 = 1
export const FAIL_DEPTH: i32 = 2
export const FAIL_MEMORY: i32 = 3

export let failKind: i32 = FAIL_NONE
/** Address of the byte that is not valid JSON (or the end), or of the bracket past the depth limit. */
export let failAt: usize = 0

export function fail(kind: i32, at: usize): bool {
  failKind = kind
  failAt = at
  return false
}

export let outBase: usize = 0
/** outBase + capacity. */
export let outLimit: usize = 0

const INITIAL: usize = 64 * 1024
/** The region never grows past this (an i32 offset must hold every position). */
const MAX_OUTPUT: usize = 0x7000_0000

/** Makes sure the region exists; returns its base (0: no memory). */
export function outStart(): usize {
  if (outBase == 0) {
    const p = grow(0, INITIAL, 0)
    if (p == 0) return 0
    outBase = p
    outLimit = p + INITIAL
  }
  return outBase
}

/**
 * Room for `n` more bytes at `o`: returns `o` (rebased when the region moved), or 0 when memory
 * is exhausted (failKind is then FAIL_MEMORY). Callers check `o + n > outLimit` first, inline.
 */
export function outGrow(o: usize, n: usize): usize {
  const used = o - outBase
  let want = (outLimit - outBase) * 2
  if (want < used + n + 64) want = used + n + 64
  if (want > MAX_OUTPUT || used + n > MAX_OUTPUT) {
    fail(FAIL_MEMORY, 0)
    return 0
  }
  const next = grow(outBase, want, used)
  if (next == 0) {
    fail(FAIL_MEMORY, 0)
    return 0
  }
  const cap = want
  outBase = next
  outLimit = next + cap
  return next + used
}

let scratchPtr: usize = 0
/** A reusable block of at least `n` bytes (0: no memory); its contents do not survive the next call. */
export function scratch(n: usize): usize {
  const p = grow(scratchPtr, n, 0)
  if (p != 0) scratchPtr = p
  return p
}
