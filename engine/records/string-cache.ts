/**
 * @module A small direct-mapped cache from a field's string bytes to its decoded text and to the
 * outcome of each regexp already tested on it. Log fields grep usually looks at (level, host,
 * service, status) take few distinct values, so most events skip both the UTF-8 decode and the
 * regexp. Bounded: 1,024 entries of at most 64 bytes each (a 64 KiB pool); a colliding value
 * simply replaces the entry.
 */

import { decodeText } from './field-scan.ts'

const ENTRIES = 1024
const MAX_LEN = 64

export class StringCache {
  /** Length of each entry's bytes; -1 for an empty slot. */
  private readonly lens = new Int32Array(ENTRIES).fill(-1)
  private readonly pool = new Uint8Array(ENTRIES * MAX_LEN)
  private readonly texts: string[] = new Array<string>(ENTRIES).fill('')
  /** Per entry and expression: -1 not tested yet, 0 no match, 1 match. */
  readonly results: Int8Array

  constructor(readonly expressions: number) {
    this.results = new Int8Array(ENTRIES * expressions).fill(-1)
  }

  /** True when a string of this length is cached at all. */
  static fits(len: number): boolean {
    return len <= MAX_LEN
  }

  /**
   * The entry holding the bytes `b[start, start+len)` (len ≤ 64), filled on a miss. Read its text
   * with `text(entry)` and its regexp outcomes at `results[entry * expressions + i]`.
   */
  entry(b: Uint8Array, start: number, len: number): number {
    let h = 0x811c9dc5 ^ len
    for (let i = start; i < start + len; i++) h = Math.imul(h ^ b[i], 0x01000193)
    const e = (h ^ (h >>> 15)) & (ENTRIES - 1)
    const at = e * MAX_LEN
    if (this.lens[e] === len) {
      let same = true
      for (let i = 0; i < len; i++) {
        if (this.pool[at + i] !== b[start + i]) {
          same = false
          break
        }
      }
      if (same) return e
    }
    this.lens[e] = len
    this.pool.set(b.subarray(start, start + len), at)
    this.texts[e] = decodeText(b, start, len)
    this.results.fill(-1, e * this.expressions, (e + 1) * this.expressions)
    return e
  }

  text(entry: number): string {
    return this.texts[entry]
  }
}
