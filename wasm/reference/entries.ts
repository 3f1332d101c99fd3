/**
 * @module The reference's description of event entries (docs/core-abi.md §1.3): one `EntryInfo`
 * per `[time, record]` entry with its validity flags, and the walk over a PackedForward payload.
 */
import { EntryFlag, type EntryInfo, InvalidReason, type Range } from '../types.ts'
import { readEventTime } from './event-time.ts'
import { type MsgNode, isStop, scanObject } from './msgpack-scan.ts'

const invalid = (reason: InvalidReason): number => EntryFlag.INVALID | (reason << 8)

/**
 * Describes one entry from its time and record objects (either may be missing). A valid entry
 * carries its time and the time's flags; an invalid one carries sec = nsec = 0 and only the
 * INVALID bit and its reason (`time` when both are bad).
 */
export function describeEntry(
  bytes: Uint8Array,
  entry: Range,
  time: MsgNode | undefined,
  record: MsgNode | undefined,
  missingRecordAt: number,
): EntryInfo {
  const recordRange: Range = record === undefined ? [missingRecordAt, missingRecordAt] : [record.start, record.end]
  const accepted = time === undefined ? null : readEventTime(bytes, time)
  if (accepted === null) return { sec: 0, nsec: 0, record: recordRange, entry, flags: invalid(InvalidReason.TIME) }
  if (record?.kind !== 'map') return { sec: 0, nsec: 0, record: recordRange, entry, flags: invalid(InvalidReason.RECORD) }
  return { sec: accepted.sec, nsec: accepted.nsec, record: recordRange, entry, flags: accepted.flags }
}

/**
 * One Forward / PackedForward entry: an array of at least 2 elements `[time, record, ...]`.
 * Anything else is invalid (`shape`), with no time and an empty record range at the entry's end.
 */
export function describeForwardEntry(bytes: Uint8Array, node: MsgNode): EntryInfo {
  const entry: Range = [node.start, node.end]
  if (node.kind !== 'array' || node.children.length < 2) {
    return { sec: 0, nsec: 0, record: [node.end, node.end], entry, flags: invalid(InvalidReason.SHAPE) }
  }
  return describeEntry(bytes, entry, node.children[0], node.children[1], node.end)
}

/** What walking a packed payload found: the entries, or the offset of the offending header byte. */
export type PackedWalk = { ok: true; events: EntryInfo[] } | { ok: false; errorOffset: number }

/**
 * Walks the msgpack objects of the region `[start, end)` of `bytes` (a PackedForward payload), each
 * one entry. Nothing may run past `end`: every stop of the reader (a header or payload past the
 * end, a container owing more objects than bytes are left, `c1`) makes the walk INVALID at the
 * header byte where the reader stopped.
 */
export function walkPacked(bytes: Uint8Array, start: number, end: number): PackedWalk {
  const events: EntryInfo[] = []
  let p = start
  while (p < end) {
    const node = scanObject(bytes, p, { avail: end, limit: end })
    if (isStop(node)) return { ok: false, errorOffset: node.at }
    events.push(describeForwardEntry(bytes, node))
    p = node.end
  }
  return { ok: true, events }
}
