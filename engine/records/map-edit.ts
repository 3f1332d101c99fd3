/**
 * @module Edits a record's msgpack map without decoding it: some keys removed (Ruby's
 * `record.delete(k)`), some set (`record[k] = v`: a key already present keeps its place, a new
 * one goes last). The result is written into one scratch buffer the editor reuses, so an input
 * that adds `source_address_key` or removes the syslog parser's `pri` allocates nothing per record.
 */

import { skipObject } from './field-scan.ts'

/** A key to set (its UTF-8 bytes) and its value, already msgpack-encoded. */
export interface MapEntry {
  key: Uint8Array
  value: Uint8Array
}

const encoder = new TextEncoder()

/** The msgpack bytes of a str (smallest form). */
export function encodeString(text: string): Uint8Array {
  const body = encoder.encode(text)
  const n = body.length
  const head =
    n < 32
      ? [0xa0 | n]
      : n < 0x100
        ? [0xd9, n]
        : n < 0x10000
          ? [0xda, n >> 8, n & 0xff]
          : [0xdb, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
  const out = new Uint8Array(head.length + n)
  out.set(head)
  out.set(body, head.length)
  return out
}

/** The msgpack bytes of an integer (smallest form; safe integers). */
export function encodeInteger(n: number): Uint8Array {
  if (n >= 0 && n <= 0x7f) return Uint8Array.of(n)
  if (n < 0 && n >= -32) return Uint8Array.of(n & 0xff)
  const out = new DataView(new ArrayBuffer(9))
  if (n >= 0) {
    if (n <= 0xff) return Uint8Array.of(0xcc, n)
    if (n <= 0xffff) return Uint8Array.of(0xcd, n >> 8, n & 0xff)
    if (n <= 0xffffffff) {
      out.setUint8(0, 0xce)
      out.setUint32(1, n)
      return new Uint8Array(out.buffer, 0, 5)
    }
    out.setUint8(0, 0xcf)
    out.setBigUint64(1, BigInt(n))
    return new Uint8Array(out.buffer)
  }
  if (n >= -0x80) return Uint8Array.of(0xd0, n & 0xff)
  if (n >= -0x8000) {
    out.setUint8(0, 0xd1)
    out.setInt16(1, n)
    return new Uint8Array(out.buffer, 0, 3)
  }
  if (n >= -0x80000000) {
    out.setUint8(0, 0xd2)
    out.setInt32(1, n)
    return new Uint8Array(out.buffer, 0, 5)
  }
  out.setUint8(0, 0xd3)
  out.setBigInt64(1, BigInt(n))
  return new Uint8Array(out.buffer)
}

/** The integer at `p` (any msgpack int form within 2^53), or null when the object is not an integer. */
export function integerAt(b: Uint8Array, p: number): number | null {
  const h = b[p]
  if (h <= 0x7f) return h
  if (h >= 0xe0) return h - 0x100
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  switch (h) {
    case 0xcc:
      return b[p + 1]
    case 0xcd:
      return view.getUint16(p + 1)
    case 0xce:
      return view.getUint32(p + 1)
    case 0xcf: {
      const v = view.getBigUint64(p + 1)
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null
    }
    case 0xd0:
      return view.getInt8(p + 1)
    case 0xd1:
      return view.getInt16(p + 1)
    case 0xd2:
      return view.getInt32(p + 1)
    case 0xd3: {
      const v = view.getBigInt64(p + 1)
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : null
    }
  }
  return null
}

/** Where the last `readKey` found a str/bin key's bytes (length -1: another key type). */
let keyStart = 0
let keyLength = -1

function readKey(b: Uint8Array, p: number): void {
  const k = b[p]
  keyLength = -1
  if (k >= 0xa0 && k <= 0xbf) {
    keyStart = p + 1
    keyLength = k & 0x1f
  } else if (k === 0xd9 || k === 0xc4) {
    keyStart = p + 2
    keyLength = b[p + 1]
  } else if (k === 0xda || k === 0xc5) {
    keyStart = p + 3
    keyLength = (b[p + 1] << 8) | b[p + 2]
  } else if (k === 0xdb || k === 0xc6) {
    keyStart = p + 5
    keyLength = ((b[p + 1] << 24) | (b[p + 2] << 16) | (b[p + 3] << 8) | b[p + 4]) >>> 0
  }
}

function sameBytes(b: Uint8Array, key: Uint8Array): boolean {
  if (keyLength !== key.length) return false
  for (let i = 0; i < keyLength; i++) if (b[keyStart + i] !== key[i]) return false
  return true
}

function isDropped(b: Uint8Array, keys: readonly Uint8Array[]): boolean {
  for (let i = 0; i < keys.length; i++) if (sameBytes(b, keys[i])) return true
  return false
}

function indexOfEntry(b: Uint8Array, set: readonly MapEntry[]): number {
  for (let i = 0; i < set.length; i++) if (sameBytes(b, set[i].key)) return i
  return -1
}

export class MapEditor {
  private buf = new Uint8Array(512)
  private applied: boolean[] = []
  /** The edited map is `bytes[start, end)` after `edit` (valid until the next call). */
  start = 0
  end = 0

  get bytes(): Uint8Array {
    return this.buf
  }

  /**
   * Writes the map at `src[p…]` with the `drop` keys removed and the `set` entries set. Returns
   * false (and writes nothing) when the object at `p` is not a map.
   */
  edit(src: Uint8Array, p: number, drop: readonly Uint8Array[], set: readonly MapEntry[]): boolean {
    let count: number
    const h = src[p]
    if (h >= 0x80 && h <= 0x8f) {
      count = h & 0x0f
      p += 1
    } else if (h === 0xde) {
      count = (src[p + 1] << 8) | src[p + 2]
      p += 3
    } else if (h === 0xdf) {
      count = ((src[p + 1] << 24) | (src[p + 2] << 16) | (src[p + 3] << 8) | src[p + 4]) >>> 0
      p += 5
    } else return false
    const applied = this.applied
    applied.length = set.length
    applied.fill(false)
    // The header (at most 5 bytes) is written last, just before the pairs.
    let at = 5
    let pairs = 0
    for (let i = 0; i < count; i++) {
      const keyEnd = skipObject(src, p)
      const valueEnd = skipObject(src, keyEnd)
      readKey(src, p)
      if (keyLength >= 0 && isDropped(src, drop)) {
        p = valueEnd
        continue
      }
      const s = keyLength >= 0 ? indexOfEntry(src, set) : -1
      if (s >= 0) {
        if (!applied[s]) {
          applied[s] = true
          at = this.put(at, src, p, keyEnd)
          at = this.put(at, set[s].value, 0, set[s].value.length)
          pairs++
        }
      } else {
        at = this.put(at, src, p, valueEnd)
        pairs++
      }
      p = valueEnd
    }
    for (let s = 0; s < set.length; s++) {
      if (applied[s]) continue
      at = this.putKey(at, set[s].key)
      at = this.put(at, set[s].value, 0, set[s].value.length)
      pairs++
    }
    const b = this.buf
    let start: number
    if (pairs < 16) {
      start = 4
      b[4] = 0x80 | pairs
    } else if (pairs < 0x10000) {
      start = 2
      b[2] = 0xde
      b[3] = pairs >> 8
      b[4] = pairs & 0xff
    } else {
      start = 0
      b[0] = 0xdf
      b[1] = pairs >>> 24
      b[2] = (pairs >> 16) & 0xff
      b[3] = (pairs >> 8) & 0xff
      b[4] = pairs & 0xff
    }
    this.start = start
    this.end = at
    return true
  }

  private reserve(at: number, n: number): void {
    if (at + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.buf.length * 2, at + n + 64))
    grown.set(this.buf.subarray(0, at))
    this.buf = grown
  }

  private put(at: number, src: Uint8Array, start: number, end: number): number {
    this.reserve(at, end - start)
    this.buf.set(src.subarray(start, end), at)
    return at + end - start
  }

  private putKey(at: number, key: Uint8Array): number {
    const n = key.length
    this.reserve(at, n + 5)
    const b = this.buf
    if (n < 32) b[at++] = 0xa0 | n
    else if (n < 0x100) {
      b[at++] = 0xd9
      b[at++] = n
    } else if (n < 0x10000) {
      b[at++] = 0xda
      b[at++] = n >> 8
      b[at++] = n & 0xff
    } else {
      b[at++] = 0xdb
      b[at++] = n >>> 24
      b[at++] = (n >> 16) & 0xff
      b[at++] = (n >> 8) & 0xff
      b[at++] = n & 0xff
    }
    b.set(key, at)
    return at + n
  }
}
