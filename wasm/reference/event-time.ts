/**
 * @module The reference's reading of an entry's time (docs/core-abi.md §1.3): integer seconds,
 * Fluentd's EventTime (ext 0), msgpack's Timestamp (ext −1) and the v1.5 `[time, {metadata}]` form.
 */
import { EntryFlag } from '../types.ts'
import { type MsgNode, readInt, readUint } from './msgpack-scan.ts'

/** An accepted time. `flags` holds TIME_INT / TIME_META. */
export interface EventTimeValue {
  sec: number
  nsec: number
  flags: number
}

const U32_MAX = 0xffffffffn

/** A plain (non-array) time object, or null when it is not an accepted time form. */
function readPlainTime(bytes: Uint8Array, node: MsgNode): EventTimeValue | null {
  if (node.kind === 'int') {
    if (node.int < 0n || node.int > U32_MAX) return null
    return { sec: Number(node.int), nsec: 0, flags: EntryFlag.TIME_INT }
  }
  if (node.kind !== 'ext') return null
  const data = node.body
  const size = node.end - data
  const u32 = (at: number): number => Number(readUint(bytes, at, 4))

  // Fluentd's EventTime: ext type 0, 8 bytes, only as fixext8 (d7 00) or ext8 (c7 08 00).
  if (node.extType === 0) {
    if (size !== 8 || (node.format !== 0xd7 && node.format !== 0xc7)) return null
    return { sec: u32(data), nsec: u32(data + 4), flags: 0 }
  }

  // msgpack's Timestamp: ext type −1 as fixext4, fixext8 or ext8 of 12; sec must fit in uint32.
  if (node.extType === -1) {
    if (node.format === 0xd6) return { sec: u32(data), nsec: 0, flags: 0 }
    if (node.format === 0xd7) {
      const word = readUint(bytes, data, 8)
      const nsec = Number(word >> 34n)
      const sec = word & ((1n << 34n) - 1n)
      return sec > U32_MAX ? null : { sec: Number(sec), nsec, flags: 0 }
    }
    if (node.format === 0xc7 && size === 12) {
      const nsec = u32(data)
      const sec = readInt(bytes, data + 4, 8)
      return sec < 0n || sec > U32_MAX ? null : { sec: Number(sec), nsec, flags: 0 }
    }
  }
  return null
}

/**
 * An entry's time: a plain time, or an array whose first element is a plain time (the v1.5
 * metadata form; the rest of the array is skipped and TIME_META is added). Null when invalid.
 */
export function readEventTime(bytes: Uint8Array, node: MsgNode): EventTimeValue | null {
  if (node.kind !== 'array') return readPlainTime(bytes, node)
  const first = node.children[0]
  if (first === undefined) return null
  const time = readPlainTime(bytes, first)
  return time === null ? null : { ...time, flags: time.flags | EntryFlag.TIME_META }
}
