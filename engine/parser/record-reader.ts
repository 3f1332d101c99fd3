/**
 * @module Reading msgpack that may be anything (parser_msgpack's input, a record field): a
 * bounds-checked skip that tells a truncated object from an invalid one, the key/value ranges of a
 * map, and a decoder into the value kinds of values.ts (so a record read and written again keeps
 * its bytes: integral floats stay floats, non-UTF-8 strings keep their bytes, ext types survive).
 */

import { EventTime } from '../event-time.ts'
import { ExtValue, FloatValue, RawString } from './values.ts'

/** `skip` results below 0. */
export const TRUNCATED = -1
export const INVALID = -2

/** Deepest nesting read (deeper input is INVALID rather than a stack overflow). */
const MAX_DEPTH = 512

/**
 * The position just past the object at `p` in `b[p, end)`: TRUNCATED when the bytes end inside
 * it, INVALID for the never-used byte 0xc1 or nesting deeper than 512.
 */
export function skip(b: Uint8Array, p: number, end: number): number {
  let pending = 1
  const stack: number[] = []
  while (pending > 0) {
    if (p >= end) return TRUNCATED
    pending--
    const h = b[p]
    let items = 0
    let size = -1
    if (h <= 0x7f || h >= 0xe0) size = 1
    else if (h <= 0x8f) {
      items = (h & 0x0f) * 2
      size = 1
    } else if (h <= 0x9f) {
      items = h & 0x0f
      size = 1
    } else if (h <= 0xbf) size = 1 + (h & 0x1f)
    else {
      const need = (n: number) => (p + n <= end ? 0 : TRUNCATED)
      switch (h) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          size = 1
          break
        case 0xc1:
          return INVALID
        case 0xc4:
        case 0xd9:
          if (need(2)) return TRUNCATED
          size = 2 + b[p + 1]
          break
        case 0xc5:
        case 0xda:
          if (need(3)) return TRUNCATED
          size = 3 + u16(b, p + 1)
          break
        case 0xc6:
        case 0xdb:
          if (need(5)) return TRUNCATED
          size = 5 + u32(b, p + 1)
          break
        case 0xc7:
          if (need(2)) return TRUNCATED
          size = 3 + b[p + 1]
          break
        case 0xc8:
          if (need(3)) return TRUNCATED
          size = 4 + u16(b, p + 1)
          break
        case 0xc9:
          if (need(5)) return TRUNCATED
          size = 6 + u32(b, p + 1)
          break
        case 0xca:
        case 0xce:
        case 0xd2:
          size = 5
          break
        case 0xcb:
        case 0xcf:
        case 0xd3:
          size = 9
          break
        case 0xcc:
        case 0xd0:
          size = 2
          break
        case 0xcd:
        case 0xd1:
          size = 3
          break
        case 0xd4:
          size = 3
          break
        case 0xd5:
          size = 4
          break
        case 0xd6:
          size = 6
          break
        case 0xd7:
          size = 10
          break
        case 0xd8:
          size = 18
          break
        case 0xdc:
        case 0xde:
          if (need(3)) return TRUNCATED
          items = u16(b, p + 1) * (h === 0xde ? 2 : 1)
          size = 3
          break
        case 0xdd:
        case 0xdf:
          if (need(5)) return TRUNCATED
          items = u32(b, p + 1) * (h === 0xdf ? 2 : 1)
          size = 5
          break
      }
    }
    p += size
    if (p > end) return TRUNCATED
    if (items > 0) {
      if (stack.length >= MAX_DEPTH) return INVALID
      stack.push(pending)
      pending = items
    }
    while (pending === 0 && stack.length > 0) pending = stack.pop()!
  }
  return p
}

/** Is the object at `p` a map? (its header byte) */
export function isMap(b: Uint8Array, p: number): boolean {
  const h = b[p]
  return (h >= 0x80 && h <= 0x8f) || h === 0xde || h === 0xdf
}

export function isArray(b: Uint8Array, p: number): boolean {
  const h = b[p]
  return (h >= 0x90 && h <= 0x9f) || h === 0xdc || h === 0xdd
}

/** The element count and the position of the first element of the map or array at `p`. */
export function container(b: Uint8Array, p: number): { count: number; first: number } {
  const h = b[p]
  if ((h >= 0x80 && h <= 0x8f) || (h >= 0x90 && h <= 0x9f)) return { count: h & 0x0f, first: p + 1 }
  if (h === 0xdc || h === 0xde) return { count: u16(b, p + 1), first: p + 3 }
  return { count: u32(b, p + 1), first: p + 5 }
}

/**
 * The `[keyStart, valueStart, valueEnd]` of each entry of the (valid, complete) map at `p`, in
 * order; `keyEnd` is `valueStart`.
 */
export function mapEntries(b: Uint8Array, p: number, end: number): number[][] {
  const { count, first } = container(b, p)
  const out: number[][] = []
  let at = first
  for (let i = 0; i < count; i++) {
    const v = skip(b, at, end)
    const next = skip(b, v, end)
    out.push([at, v, next])
    at = next
  }
  return out
}

/** The payload range of the str at `p`, or null when it is not a str. */
export function strRange(b: Uint8Array, p: number): [number, number] | null {
  const h = b[p]
  if (h >= 0xa0 && h <= 0xbf) return [p + 1, p + 1 + (h & 0x1f)]
  if (h === 0xd9) return [p + 2, p + 2 + b[p + 1]]
  if (h === 0xda) return [p + 3, p + 3 + u16(b, p + 1)]
  if (h === 0xdb) return [p + 5, p + 5 + u32(b, p + 1)]
  return null
}

/** The payload range of the str or bin at `p`, or null. */
export function bytesRange(b: Uint8Array, p: number): [number, number] | null {
  const h = b[p]
  if (h === 0xc4) return [p + 2, p + 2 + b[p + 1]]
  if (h === 0xc5) return [p + 3, p + 3 + u16(b, p + 1)]
  if (h === 0xc6) return [p + 5, p + 5 + u32(b, p + 1)]
  return strRange(b, p)
}

/** Do the str payloads at `[s1, e1)` and `key` hold the same bytes? */
export function sameBytes(b: Uint8Array, s: number, e: number, key: Uint8Array): boolean {
  if (e - s !== key.length) return false
  for (let i = 0; i < key.length; i++) if (b[s + i] !== key[i]) return false
  return true
}

/** Position of the value of str key `key` in the map at `p` (the last one when repeated), or -1. */
export function findKey(b: Uint8Array, p: number, end: number, key: Uint8Array): number {
  let found = -1
  for (const [k, v] of mapEntries(b, p, end)) {
    const r = strRange(b, k)
    if (r !== null && sameBytes(b, r[0], r[1], key)) found = v
  }
  return found
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Decodes the (valid, complete) object at `p`; returns it and the position after it. */
export function readValue(b: Uint8Array, p: number): [unknown, number] {
  const h = b[p]
  const view = () => new DataView(b.buffer, b.byteOffset, b.byteLength)
  if (h <= 0x7f) return [h, p + 1]
  if (h >= 0xe0) return [h - 256, p + 1]
  if (h <= 0x8f || h === 0xde || h === 0xdf) {
    const { count, first } = container(b, p)
    const map = new Map<unknown, unknown>()
    let at = first
    for (let i = 0; i < count; i++) {
      const [k, afterKey] = readValue(b, at)
      const [v, afterValue] = readValue(b, afterKey)
      map.set(k, v)
      at = afterValue
    }
    return [map, at]
  }
  if (h <= 0x9f || h === 0xdc || h === 0xdd) {
    const { count, first } = container(b, p)
    const items: unknown[] = []
    let at = first
    for (let i = 0; i < count; i++) {
      const [v, next] = readValue(b, at)
      items.push(v)
      at = next
    }
    return [items, at]
  }
  const str = strRange(b, p)
  if (str !== null) {
    const raw = b.subarray(str[0], str[1])
    try {
      return [strict.decode(raw), str[1]]
    } catch {
      return [new RawString(raw.slice()), str[1]]
    }
  }
  const bin = bytesRange(b, p)
  if (bin !== null) return [b.slice(bin[0], bin[1]), bin[1]]
  switch (h) {
    case 0xc0:
      return [null, p + 1]
    case 0xc2:
      return [false, p + 1]
    case 0xc3:
      return [true, p + 1]
    case 0xca:
      return [float(view().getFloat32(p + 1)), p + 5]
    case 0xcb:
      return [float(view().getFloat64(p + 1)), p + 9]
    case 0xcc:
      return [b[p + 1], p + 2]
    case 0xcd:
      return [u16(b, p + 1), p + 3]
    case 0xce:
      return [u32(b, p + 1), p + 5]
    case 0xcf:
      return [int(view().getBigUint64(p + 1)), p + 9]
    case 0xd0:
      return [view().getInt8(p + 1), p + 2]
    case 0xd1:
      return [view().getInt16(p + 1), p + 3]
    case 0xd2:
      return [view().getInt32(p + 1), p + 5]
    case 0xd3:
      return [int(view().getBigInt64(p + 1)), p + 9]
  }
  // ext
  let type: number
  let start: number
  let size: number
  if (h >= 0xd4 && h <= 0xd8) {
    size = 1 << (h - 0xd4)
    type = b[p + 1]
    start = p + 2
  } else if (h === 0xc7) {
    size = b[p + 1]
    type = b[p + 2]
    start = p + 3
  } else if (h === 0xc8) {
    size = u16(b, p + 1)
    type = b[p + 3]
    start = p + 4
  } else {
    size = u32(b, p + 1)
    type = b[p + 5]
    start = p + 6
  }
  const data = b.slice(start, start + size)
  if (type === 0 && size === 8) return [new EventTime(u32(data, 0), u32(data, 4)), start + size]
  return [new ExtValue(type > 127 ? type - 256 : type, data), start + size]
}

function float(x: number): number | FloatValue {
  return Number.isInteger(x) ? new FloatValue(x) : x
}

function int(n: bigint): number | bigint {
  return n >= -(2n ** 53n) && n <= 2n ** 53n ? Number(n) : n
}

function u16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1]
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) >>> 0) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3]
}
