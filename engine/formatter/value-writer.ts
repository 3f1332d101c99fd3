/**
 * @module The walk shared by the JSON and Ruby `inspect` writers: writes the msgpack value at a
 * position with a syntax's brackets and separators, iteratively (a record nested 200,000 deep cannot
 * overflow the stack), reading maps as Ruby's Hash holds them (a repeated key keeps its first place
 * and its last value: engine/formatter/map-view.ts). Scalars and keys are written by the syntax.
 */

import type { ByteSink } from './types.ts'
import { hashPairs, hasDuplicateKeys } from './map-view.ts'
import { container, readContainer } from './msgpack-value.ts'

export interface ValueSyntax {
  /** Between array items and map pairs: `,` (JSON) or `, ` (Ruby). */
  readonly itemSeparator: string
  /** Between a key and its value: `:` (JSON) or `=>` (Ruby 3.x before 3.4). */
  readonly keySeparator: string
  /** Writes the non-container object at `p`; returns the position after it. */
  scalar(out: ByteSink, b: Uint8Array, p: number): number
  /** Writes the map key at `p` (any object); returns the position after it. */
  key(out: ByteSink, b: Uint8Array, p: number): number
  /** Opens a container of `count` items (pairs for a map); default `[` / `{`. */
  open?(out: ByteSink, map: boolean, count: number): void
  /** Closes a container; default `]` / `}`. */
  close?(out: ByteSink, map: boolean): void
}

const ARRAY = 0
const MAP = 1
/** A map with repeated keys, written from a list of (key, value) positions. */
const PAIRS = 2

// The frame stack, shared by every walk; a walk started inside another (a JSON key written as
// its Ruby inspect) pushes above it and pops back before returning.
let kinds: number[] = []
let lefts: number[] = []
let started: number[] = []
let cursors: number[] = []
let ends: number[] = []
let bases: number[] = []
const pairStack: number[] = []
let depth = 0

/** Writes the value at `p`; returns the position after it. */
export function writeValue(out: ByteSink, b: Uint8Array, p: number, syntax: ValueSyntax): number {
  const base = depth
  const pairBase = pairStack.length
  const { open, close, itemSeparator, keySeparator } = syntax
  try {
    for (;;) {
      if (readContainer(b, p)) {
        const count = container.count
        const body = container.body
        if (container.map) {
          if (count > 1 && hasDuplicateKeys(b, body, count)) {
            const first = pairStack.length
            const end = hashPairs(b, body, count, pairStack)
            const pairs = (pairStack.length - first) / 2
            if (open === undefined) out.writeByte(0x7b)
            else open(out, true, pairs)
            push(PAIRS, pairs, first, end)
          } else {
            if (open === undefined) out.writeByte(0x7b)
            else open(out, true, count)
            push(MAP, count, 0, 0)
            p = body
          }
        } else {
          if (open === undefined) out.writeByte(0x5b)
          else open(out, false, count)
          push(ARRAY, count, 0, 0)
          p = body
        }
      } else {
        p = syntax.scalar(out, b, p)
      }
      // Move to the next value to write, closing finished containers.
      for (;;) {
        if (depth === base) return p
        const f = depth - 1
        if (lefts[f] === 0) {
          if (close === undefined) out.writeByte(kinds[f] === ARRAY ? 0x5d : 0x7d)
          else close(out, kinds[f] !== ARRAY)
          if (kinds[f] === PAIRS) {
            p = ends[f]
            pairStack.length = bases[f]
          }
          depth--
          continue
        }
        if (started[f] === 1 && itemSeparator !== '') out.writeAscii(itemSeparator)
        started[f] = 1
        lefts[f]--
        if (kinds[f] === MAP) {
          p = syntax.key(out, b, p)
          if (keySeparator !== '') out.writeAscii(keySeparator)
        } else if (kinds[f] === PAIRS) {
          const at = cursors[f]
          syntax.key(out, b, pairStack[at])
          if (keySeparator !== '') out.writeAscii(keySeparator)
          p = pairStack[at + 1]
          cursors[f] = at + 2
        }
        break
      }
    }
  } finally {
    depth = base
    pairStack.length = pairBase
    if (base === 0 && kinds.length > 4096) {
      kinds = []
      lefts = []
      started = []
      cursors = []
      ends = []
      bases = []
    }
  }
}

function push(kind: number, left: number, cursor: number, end: number): void {
  const f = depth++
  if (f === kinds.length) {
    kinds.push(kind)
    lefts.push(left)
    started.push(0)
    cursors.push(cursor)
    ends.push(end)
    bases.push(cursor)
    return
  }
  kinds[f] = kind
  lefts[f] = left
  started[f] = 0
  cursors[f] = cursor
  ends[f] = end
  bases[f] = cursor
}
