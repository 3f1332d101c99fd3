/**
 * @module A small msgpack field scanner over record bytes: skip an object, find a key's value in a
 * map (last duplicate wins, as with Ruby's unpacker), follow a record_accessor path, and decode a
 * string payload with an ASCII fast path. Nothing is allocated except the strings asked for: this is
 * how filter_grep reads one field per event without decoding the record. The bytes must be valid
 * msgpack (event streams are, by construction); positions are plain indexes into `b`.
 */

import type { PathStep } from './record-accessor.ts'

/** A path step with the key already encoded as UTF-8 bytes. */
export type EncodedStep = Uint8Array | number

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

export function encodePath(path: readonly PathStep[]): EncodedStep[] {
  return path.map((step) => (typeof step === 'number' ? step : textEncoder.encode(step)))
}

/** Position just past the msgpack object starting at `p`. */
export function skipObject(b: Uint8Array, p: number): number {
  let pending = 1
  while (pending > 0) {
    pending--
    const h = b[p]
    if (h <= 0x7f || h >= 0xe0) {
      p += 1
      continue
    }
    if (h <= 0x8f) {
      pending += (h & 0x0f) * 2
      p += 1
      continue
    }
    if (h <= 0x9f) {
      pending += h & 0x0f
      p += 1
      continue
    }
    if (h <= 0xbf) {
      p += 1 + (h & 0x1f)
      continue
    }
    switch (h) {
      case 0xc0:
      case 0xc2:
      case 0xc3:
        p += 1
        break
      case 0xc4:
      case 0xd9:
        p += 2 + b[p + 1]
        break
      case 0xc5:
      case 0xda:
        p += 3 + u16(b, p + 1)
        break
      case 0xc6:
      case 0xdb:
        p += 5 + u32(b, p + 1)
        break
      case 0xc7:
        p += 3 + b[p + 1]
        break
      case 0xc8:
        p += 4 + u16(b, p + 1)
        break
      case 0xc9:
        p += 6 + u32(b, p + 1)
        break
      case 0xca:
        p += 5
        break
      case 0xcb:
        p += 9
        break
      case 0xcc:
      case 0xd0:
        p += 2
        break
      case 0xcd:
      case 0xd1:
        p += 3
        break
      case 0xce:
      case 0xd2:
        p += 5
        break
      case 0xcf:
      case 0xd3:
        p += 9
        break
      case 0xd4:
        p += 3
        break
      case 0xd5:
        p += 4
        break
      case 0xd6:
        p += 6
        break
      case 0xd7:
        p += 10
        break
      case 0xd8:
        p += 18
        break
      case 0xdc:
        pending += u16(b, p + 1)
        p += 3
        break
      case 0xdd:
        pending += u32(b, p + 1)
        p += 5
        break
      case 0xde:
        pending += 2 * u16(b, p + 1)
        p += 3
        break
      case 0xdf:
        pending += 2 * u32(b, p + 1)
        p += 5
        break
      default:
        throw new RangeError(`invalid msgpack byte 0x${h.toString(16)} at ${p}`)
    }
  }
  return p
}

/** Number of pairs of the map at `p` and the position of its first key, or -1 when not a map. */
function mapHeader(b: Uint8Array, p: number): [count: number, first: number] | null {
  const h = b[p]
  if (h >= 0x80 && h <= 0x8f) return [h & 0x0f, p + 1]
  if (h === 0xde) return [u16(b, p + 1), p + 3]
  if (h === 0xdf) return [u32(b, p + 1), p + 5]
  return null
}

/**
 * Position of the value stored under `key` in the map at `p`, or -1 (not a map, or no such key).
 * str and bin keys with the same bytes match (Ruby compares them equal); a later duplicate wins.
 */
export function findKey(b: Uint8Array, p: number, key: Uint8Array): number {
  const h = b[p]
  let count: number
  if (h >= 0x80 && h <= 0x8f) {
    count = h & 0x0f
    p += 1
  } else if (h === 0xde) {
    count = u16(b, p + 1)
    p += 3
  } else if (h === 0xdf) {
    count = u32(b, p + 1)
    p += 5
  } else return -1
  const keyLen = key.length
  let found = -1
  for (let i = 0; i < count; i++) {
    const k = b[p]
    let start: number
    let len: number
    if (k >= 0xa0 && k <= 0xbf) {
      len = k & 0x1f
      start = p + 1
    } else if (k === 0xd9 || k === 0xc4) {
      len = b[p + 1]
      start = p + 2
    } else if (k === 0xda || k === 0xc5) {
      len = u16(b, p + 1)
      start = p + 3
    } else if (k === 0xdb || k === 0xc6) {
      len = u32(b, p + 1)
      start = p + 5
    } else {
      p = skipValue(b, skipObject(b, p))
      continue
    }
    p = start + len
    if (len === keyLen && equalAt(b, start, key)) found = p
    p = skipValue(b, p)
  }
  return found
}

/** skipObject with the common scalar forms inlined (the hot loop of findKey). */
function skipValue(b: Uint8Array, p: number): number {
  const v = b[p]
  if (v >= 0xa0 && v <= 0xbf) return p + 1 + (v & 0x1f)
  if (v <= 0x7f || v >= 0xe0 || v === 0xc0 || v === 0xc2 || v === 0xc3) return p + 1
  if (v === 0xd9) return p + 2 + b[p + 1]
  if (v === 0xda) return p + 3 + ((b[p + 1] << 8) | b[p + 2])
  if (v === 0xcc || v === 0xd0) return p + 2
  if (v === 0xcd || v === 0xd1) return p + 3
  if (v === 0xce || v === 0xd2 || v === 0xca) return p + 5
  if (v === 0xcb || v === 0xcf || v === 0xd3) return p + 9
  return skipObject(b, p)
}

function equalAt(b: Uint8Array, start: number, key: Uint8Array): boolean {
  for (let j = 0; j < key.length; j++) if (b[start + j] !== key[j]) return false
  return true
}

/** Position of the element `index` (negative counts from the end) of the array at `p`, or -1. */
export function findIndex(b: Uint8Array, p: number, index: number): number {
  const h = b[p]
  let count: number
  if (h >= 0x90 && h <= 0x9f) {
    count = h & 0x0f
    p += 1
  } else if (h === 0xdc) {
    count = u16(b, p + 1)
    p += 3
  } else if (h === 0xdd) {
    count = u32(b, p + 1)
    p += 5
  } else return -1
  const i = index < 0 ? count + index : index
  if (i < 0 || i >= count) return -1
  for (let k = 0; k < i; k++) p = skipObject(b, p)
  return p
}

/** Follows a path from the record (a map) at `p`; -1 when a step is missing or crosses a scalar. */
export function findPath(b: Uint8Array, p: number, path: readonly EncodedStep[]): number {
  for (const step of path) {
    p = typeof step === 'number' ? findIndex(b, p, step) : findKey(b, p, step)
    if (p < 0) return -1
  }
  return p
}

/** The keys of the map at `p` (cold path: tests and tools). */
export function mapKeys(b: Uint8Array, p: number): string[] {
  const header = mapHeader(b, p)
  if (header === null) return []
  const keys: string[] = []
  let at = header[1]
  for (let i = 0; i < header[0]; i++) {
    const s = stringAt(b, at)
    keys.push(s ?? '')
    at = skipObject(b, skipObject(b, at))
  }
  return keys
}

/** Decodes the str (or bin) at `p` as text; null when the object is not a string. */
export function stringAt(b: Uint8Array, p: number): string | null {
  const h = b[p]
  if (h >= 0xa0 && h <= 0xbf) return decodeText(b, p + 1, h & 0x1f)
  if (h === 0xd9 || h === 0xc4) return decodeText(b, p + 2, b[p + 1])
  if (h === 0xda || h === 0xc5) return decodeText(b, p + 3, u16(b, p + 1))
  if (h === 0xdb || h === 0xc6) return decodeText(b, p + 5, u32(b, p + 1))
  return null
}

/**
 * UTF-8 bytes to a string. Short ASCII runs (the common case for log fields) are built with
 * String.fromCharCode, which beats TextDecoder's per-call cost; everything else goes to TextDecoder.
 */
export function decodeText(b: Uint8Array, start: number, len: number): string {
  if (len === 0) return ''
  if (len <= 48) {
    const end = start + len
    let ascii = true
    for (let i = start; i < end; i++) {
      if (b[i] >= 0x80) {
        ascii = false
        break
      }
    }
    if (ascii) return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[])
  }
  return textDecoder.decode(b.subarray(start, start + len))
}

function u16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1]
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) >>> 0) + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3])
}
