/**
 * @module Invariants every framing outcome satisfies, whatever the input: known statuses, messages
 * back to back from offset 0 up to `consumed`, every range inside its message, the `need` and
 * `errorOffset` rules of docs/core-abi.md §1, well-formed entry flags.
 */
import { expect } from 'vitest'
import {
  type EntryInfo,
  type FrameOutcome,
  FrameStatus,
  type MessageInfo,
  Mode,
  type Range,
  type WalkOutcome,
} from '../../../wasm/types.ts'

const U32_MAX = 0xffffffff

function expectInside(r: Range, lo: number, hi: number, what: string): void {
  expect(Number.isInteger(r[0]) && Number.isInteger(r[1]), what).toBe(true)
  expect(lo <= r[0] && r[0] <= r[1] && r[1] <= hi, `${what} [${r[0]}, ${r[1]}) inside [${lo}, ${hi})`).toBe(true)
}

function expectEntry(e: EntryInfo, lo: number, hi: number): void {
  expectInside(e.entry, lo, hi, 'entry')
  expectInside(e.record, lo, hi, 'record')
  const reason = (e.flags >> 8) & 0xff
  expect(e.flags & ~0xff07, 'unknown flag bits').toBe(0)
  expect(reason <= 3, 'reason').toBe(true)
  expect((e.flags & 1) === 1, 'invalid iff a reason').toBe(reason !== 0)
  if ((e.flags & 1) === 1) expect([e.sec, e.nsec, e.flags & 6], 'an invalid entry has no time').toEqual([0, 0, 0])
  expect(Number.isInteger(e.sec) && e.sec >= 0 && e.sec <= U32_MAX, 'sec').toBe(true)
  expect(Number.isInteger(e.nsec) && e.nsec >= 0 && e.nsec <= U32_MAX, 'nsec').toBe(true)
}

function expectMessage(m: MessageInfo): void {
  expect(m.start < m.end, 'a message has at least one byte').toBe(true)
  expect(Object.values(Mode)).toContain(m.mode)
  if (m.tag !== null) expectInside(m.tag, m.start, m.end, 'tag')
  expectInside(m.entries, m.start, m.end, 'entries')
  if (m.options.chunk !== null) expectInside(m.options.chunk, m.start, m.end, 'chunk')
  expect(m.options.present && m.options.invalid, 'present and invalid').toBe(false)
  if (m.options.size !== null) expect(Number.isInteger(m.options.size) && m.options.size >= 0 && m.options.size <= U32_MAX).toBe(true)
  expect(Number.isInteger(m.options.fluentSignal) && Math.abs(m.options.fluentSignal + 0.5) < 2 ** 31, 'fluentSignal is an i32').toBe(true)
  for (const e of m.events) expectEntry(e, m.start, m.end)
  switch (m.mode) {
    case Mode.HEARTBEAT:
    case Mode.NOT_ARRAY:
      expect(m.tag).toBeNull()
      expect(m.entries).toEqual([m.start, m.start])
      expect(m.events).toEqual([])
      break
    case Mode.COMPRESSED:
      expect(m.events).toEqual([])
      break
    case Mode.MESSAGE:
      expect(m.events).toHaveLength(1)
      expect(m.events[0].entry).toEqual(m.entries)
      break
    default: {
      // FORWARD and PACKED: the entries tile the entries range.
      let at = m.entries[0]
      for (const e of m.events) {
        expect(e.entry[0], 'entries are back to back').toBe(at)
        at = e.entry[1]
      }
      expect(at, 'entries end with the entries range').toBe(m.entries[1])
    }
  }
}

/** Checks the outcome of `frame` on `length` bytes. */
export function expectWellFormed(o: FrameOutcome, length: number): void {
  expect(Object.values(FrameStatus)).toContain(o.status)
  expect(Number.isInteger(o.consumed) && o.consumed >= 0 && o.consumed <= length, 'consumed').toBe(true)
  let at = 0
  for (const m of o.messages) {
    expect(m.start, 'messages are back to back').toBe(at)
    expectMessage(m)
    at = m.end
  }
  expect(o.consumed, 'consumed = end of the last message').toBe(at)
  if (o.status === FrameStatus.OK) expect(o.consumed).toBe(length)
  else expect(o.consumed < length, 'a stop leaves bytes').toBe(true)
  if (o.status === FrameStatus.NEED_MORE)
    expect(o.need > length - o.consumed && o.need <= 0x7fffffff, 'available < need ≤ 2^31 − 1').toBe(true)
  else expect(o.need).toBe(0)
  if (o.status === FrameStatus.INVALID) expect(o.errorOffset >= o.consumed && o.errorOffset <= length, 'errorOffset').toBe(true)
  else expect(o.errorOffset).toBe(-1)
}

/** Checks the outcome of `walkEntries` on `length` bytes. */
export function expectWellFormedWalk(o: WalkOutcome, length: number): void {
  expect([FrameStatus.OK, FrameStatus.INVALID]).toContain(o.status)
  if (o.status === FrameStatus.OK) {
    expect(o.errorOffset).toBe(-1)
    let at = 0
    for (const e of o.events) {
      expectEntry(e, 0, length)
      expect(e.entry[0], 'entries are back to back').toBe(at)
      at = e.entry[1]
    }
    expect(at).toBe(length)
  } else {
    expect(o.errorOffset >= 0 && o.errorOffset <= length).toBe(true)
    expect(o.events).toEqual([])
  }
}
