/**
 * @module Multi-member gzip bodies where the runtime's DecompressionStream takes only one member
 * (workerd refuses the rest with "Trailing bytes after end of compressed data"; Node reads them
 * all). Every member starts with `1f 8b 08`; the candidates are tried in order and the first slice
 * that inflates whole (CRC and size checked by the runtime) is the member. False candidates inside
 * compressed data are rare; at most MAX_CANDIDATES are tried per member (each costs an inflate of
 * the slice), so a crafted body cannot make this quadratic. The decompression cap covers the sum.
 */

import { concat } from '../event-stream.ts'
import { BodyError } from './body.ts'

const MAX_CANDIDATES = 64
/** A gzip member is at least 10 header + 2 deflate + 8 trailer bytes. */
const MIN_MEMBER = 20

export type InflateOne = (member: Uint8Array, cap: number) => Promise<Uint8Array>

export async function inflateMembers(body: Uint8Array, cap: number, inflateOne: InflateOne): Promise<Uint8Array> {
  const outputs: Uint8Array[] = []
  let total = 0
  for (let start = 0; start < body.length; ) {
    let tried = 0
    let found: { out: Uint8Array; end: number } | null = null
    for (let p = nextMember(body, start + MIN_MEMBER); found === null; p = nextMember(body, p + 1)) {
      const end = p < 0 ? body.length : p
      try {
        found = { out: await inflateOne(body.subarray(start, end), cap - total), end }
      } catch (error) {
        if (p < 0 || (error instanceof BodyError && error.status === 413)) throw error
        if (++tried >= MAX_CANDIDATES)
          throw new BodyError(`cannot decode gzip body: no gzip member end found after ${MAX_CANDIDATES} candidates`)
      }
    }
    outputs.push(found.out)
    total += found.out.length
    start = found.end
  }
  return concat(outputs)
}

function nextMember(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(0x1f, from); i >= 0 && i + 2 < b.length; i = b.indexOf(0x1f, i + 1)) {
    if (b[i + 1] === 0x8b && b[i + 2] === 0x08) return i
  }
  return -1
}
