/**
 * @module A msgpack map as Ruby sees it once unpacked into a Hash (what every Fluentd formatter
 * reads): a key written twice keeps the position of its first occurrence and the value of its last
 * (Hash#[]= on an existing key). Duplicate keys are rare (a buggy client, an `<inject>` key the
 * record already had), so `hasDuplicateKeys` is a cheap check (no allocation once warm) and
 * `hashPairs` the exact view, used only when it says yes. Keys are the same when they are strings
 * with the same bytes (str or bin, as engine/records/field-scan's findKey compares them), integers
 * with the same value, or otherwise the same msgpack bytes.
 */

import { skipObject } from '../records/field-scan.ts'
import { intText, readString, str } from './msgpack-value.ts'

let keyPos = new Int32Array(64)
let valPos = new Int32Array(64)
let firstOf = new Int32Array(64)
let table = new Int32Array(256)

function grow(count: number): void {
  if (keyPos.length >= count) return
  let size = keyPos.length
  while (size < count) size *= 2
  keyPos = new Int32Array(size)
  valPos = new Int32Array(size)
  firstOf = new Int32Array(size)
}

/** Are the keys at `p1` and `p2` the same Ruby Hash key? */
export function sameKey(b: Uint8Array, p1: number, p2: number): boolean {
  if (readString(b, p1)) {
    const s1 = str.start
    const n = str.len
    if (!readString(b, p2) || str.len !== n) return false
    const s2 = str.start
    for (let i = 0; i < n; i++) if (b[s1 + i] !== b[s2 + i]) return false
    return true
  }
  if (readString(b, p2)) return false
  const i1 = intText(b, p1)
  if (i1 !== null) return i1 === intText(b, p2)
  const e1 = skipObject(b, p1)
  const e2 = skipObject(b, p2)
  if (e1 - p1 !== e2 - p2) return false
  for (let i = 0; i < e1 - p1; i++) if (b[p1 + i] !== b[p2 + i]) return false
  return true
}

function keyHash(b: Uint8Array, p: number): number {
  let h = 0x811c9dc5
  let start: number
  let end: number
  if (readString(b, p)) {
    start = str.start
    end = start + str.len
  } else {
    const text = intText(b, p)
    if (text !== null) {
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
      return h >>> 0
    }
    start = p
    end = skipObject(b, p)
  }
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193)
  return h >>> 0
}

/**
 * Reads the `count` pairs starting at `body` into the scratch arrays and links every key to the
 * index of its first occurrence (`firstOf`). Returns the position after the map and whether a key
 * repeats.
 */
function scan(b: Uint8Array, body: number, count: number): { end: number; duplicates: boolean } {
  grow(count)
  let p = body
  for (let i = 0; i < count; i++) {
    keyPos[i] = p
    p = skipObject(b, p)
    valPos[i] = p
    p = skipObject(b, p)
  }
  let duplicates = false
  if (count <= 12) {
    for (let i = 0; i < count; i++) {
      firstOf[i] = i
      const ki = keyPos[i]
      const hi = b[ki]
      const fixI = hi >= 0xa0 && hi <= 0xbf
      for (let j = 0; j < i; j++) {
        if (firstOf[j] !== j) continue
        const kj = keyPos[j]
        // Two fixstr keys of other lengths or first bytes differ: the common case, decided here.
        if (fixI && b[kj] >= 0xa0 && b[kj] <= 0xbf && (b[kj] !== hi || b[kj + 1] !== b[ki + 1])) continue
        if (sameKey(b, kj, ki)) {
          firstOf[i] = j
          duplicates = true
          break
        }
      }
    }
    return { end: p, duplicates }
  }
  let size = 16
  while (size < count * 2) size *= 2
  if (table.length < size) table = new Int32Array(size)
  table.fill(0, 0, size)
  const mask = size - 1
  for (let i = 0; i < count; i++) {
    firstOf[i] = i
    let slot = keyHash(b, keyPos[i]) & mask
    for (;;) {
      const at = table[slot]
      if (at === 0) {
        table[slot] = i + 1
        break
      }
      if (sameKey(b, keyPos[at - 1], keyPos[i])) {
        firstOf[i] = at - 1
        duplicates = true
        break
      }
      slot = (slot + 1) & mask
    }
  }
  return { end: p, duplicates }
}

/** Does the map whose `count` pairs start at `body` repeat a key? */
export function hasDuplicateKeys(b: Uint8Array, body: number, count: number): boolean {
  if (count < 2) return false
  return scan(b, body, count).duplicates
}

/**
 * Appends the map's pairs as Ruby's Hash holds them to `out` — `[keyPosition, valuePosition]`,
 * first occurrence's key position, last occurrence's value — and returns the position after the map.
 */
export function hashPairs(b: Uint8Array, body: number, count: number, out: number[]): number {
  const { end, duplicates } = scan(b, body, count)
  if (!duplicates) {
    for (let i = 0; i < count; i++) out.push(keyPos[i], valPos[i])
    return end
  }
  // firstOf[i] === i marks a first occurrence; remember where its pair went in `out`.
  const slot = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const first = firstOf[i]
    if (first === i) {
      slot[i] = out.length
      out.push(keyPos[i], valPos[i])
    } else {
      out[slot[first] + 1] = valPos[i]
    }
  }
  return end
}
