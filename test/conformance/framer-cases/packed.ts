/**
 * @module Conformance: PackedForward payloads (docs/core-abi.md §1.3): walked once the message is
 * complete, bounded by the payload, INVALID at the offending header byte; and `walkEntries`.
 */
import { describe, expect, it } from 'vitest'
import { EntryFlag, FrameStatus, InvalidReason, Mode } from '../../../wasm/types.ts'
import { entry, message, options, packed, record } from '../../helpers/forward-build.ts'
import { array, cat, eventTime, hex, str, uint } from '../../helpers/msgpack-build.ts'
import { type FramerUnderTest, decodeAt } from './context.ts'

const T = 1441588984
const SHAPE = EntryFlag.INVALID | (InvalidReason.SHAPE << 8)
const e1 = entry(eventTime(T, 1), record({ n: 1 }))

/** Broken payloads: [name, payload, offset of the offending header byte inside the payload]. */
const brokenPayloads: ReadonlyArray<readonly [string, Uint8Array, number]> = [
  ['c1 as an entry', cat(e1, hex('c1')), e1.length],
  ['c1 inside a record', cat(e1, hex('92 01 81 a1 6b c1')), e1.length + 5],
  ['c1 as a map key', cat(hex('92 01 81 c1 01'), e1), 3],
  ['a str payload running past the end', cat(e1, hex('a5 61 62')), e1.length],
  ['a str8 length field running past the end', cat(e1, hex('d9')), e1.length],
  ['a str16 length field cut', cat(e1, hex('da 00')), e1.length],
  ['a bin32 running past the end', cat(e1, hex('c6 00 00 00 09 00')), e1.length],
  ['a uint32 cut', hex('92 ce 00'), 1],
  ['a fixext8 cut', hex('92 d7 00 01 02'), 1],
  ['an array announcing more elements than bytes left', hex('93 01 02'), 0],
  ['an array16 announcing more elements than bytes left', cat(e1, hex('dc 00 05 01 02 03 04')), e1.length],
  ['a map announcing more pairs than bytes left', hex('de 00 02 01 02 03'), 0],
  ['a nested array owing more than is left', hex('92 01 93 01 02'), 2],
  ['an owed element with no byte left (offset = payload end)', hex('92 a1 78'), 3],
  ['an owed record after a long str (offset = payload end)', cat(e1, hex('92 a3 61 62 63')), e1.length + 5],
]

export function packedCases(fut: FramerUnderTest): void {
  describe('PackedForward payloads (§1.3)', () => {
    it('an empty payload gives no events', () => {
      const bytes = packed('t', new Uint8Array(0), 'bin')
      const [m] = fut.frame(bytes).messages
      expect(m).toMatchObject({ mode: Mode.PACKED, entries: [5, 5], events: [] })
    })

    it('each object of the payload is one entry, shapes as in Forward mode', () => {
      const payload = cat(e1, str('x'), array([uint(T)]), entry(array([uint(T), record({})]), record({ m: 1 })))
      const bytes = packed('t', payload, 'str32', options({ size: 4 }))
      const [m] = fut.frame(bytes).messages
      expect(m.entries).toEqual([8, 8 + payload.length])
      expect(m.events.map((e) => e.flags)).toEqual([0, SHAPE, SHAPE, EntryFlag.TIME_INT | EntryFlag.TIME_META])
      expect(decodeAt(bytes, m.events[3].record)).toEqual({ m: 1 })
    })

    it.each(brokenPayloads)('INVALID at the header byte: %s', (_, payload, at) => {
      const before = message('t', uint(T), record({}))
      for (const as of ['bin', 'str32'] as const) {
        const msg = packed('t', payload, as, options({ chunk: 'C' }))
        const payloadStart = 3 + (as === 'bin' ? 2 : 5)
        const o = fut.frame(cat(before, msg, before))
        expect(o.status).toBe(FrameStatus.INVALID)
        expect(o.consumed).toBe(before.length)
        expect(o.messages).toHaveLength(1)
        expect(o.errorOffset).toBe(before.length + payloadStart + at)
      }
    })

    it.each(brokenPayloads)('walkEntries: INVALID at the same offset, no events: %s', (_, payload, at) => {
      expect(fut.walk(payload)).toEqual({ status: FrameStatus.INVALID, events: [], errorOffset: at })
    })

    it('an unknown compressed value is walked like PACKED (and can be INVALID)', () => {
      const ok = packed('t', e1, 'bin', options({ compressed: 'lz4' }))
      expect(fut.frame(ok).messages[0].events).toHaveLength(1)
      const bad = packed('t', hex('c1'), 'bin', options({ compressed: 'lz4' }))
      expect(fut.frame(bad)).toMatchObject({ status: FrameStatus.INVALID, errorOffset: 5 })
    })

    it('the payload is walked only once the message is complete: NEED_MORE first', () => {
      const bytes = packed('t', cat(hex('c1'), e1), 'bin', options({ size: 1 }))
      for (let n = 1; n < bytes.length; n++) expect(fut.frame(bytes.subarray(0, n)).status).toBe(FrameStatus.NEED_MORE)
      expect(fut.frame(bytes)).toMatchObject({ status: FrameStatus.INVALID, errorOffset: 5 })
    })

    it('a too-large message is FRAME_TOO_LARGE even when its payload is broken', () => {
      const bytes = packed('t', cat(e1, hex('c1')), 'bin')
      expect(fut.frame(bytes, bytes.length - 1).status).toBe(FrameStatus.FRAME_TOO_LARGE)
      expect(fut.frame(bytes, bytes.length).status).toBe(FrameStatus.INVALID)
    })
  })

  describe('walkEntries (inflated payloads)', () => {
    it('offsets are relative to the buffer', () => {
      const e2 = entry(uint(T), record({ n: 2 }))
      const buf = cat(e1, e2)
      expect(fut.walk(buf)).toEqual({
        status: FrameStatus.OK,
        errorOffset: -1,
        events: [
          { sec: T, nsec: 1, record: [11, e1.length], entry: [0, e1.length], flags: 0 },
          { sec: T, nsec: 0, record: [e1.length + 6, buf.length], entry: [e1.length, buf.length], flags: EntryFlag.TIME_INT },
        ],
      })
    })

    it('an empty buffer is OK with no events', () => {
      expect(fut.walk(new Uint8Array(0))).toEqual({ status: FrameStatus.OK, events: [], errorOffset: -1 })
    })

    it('invalid entries are described, not refused', () => {
      const w = fut.walk(cat(str('x'), e1, hex('c0')))
      expect(w.status).toBe(FrameStatus.OK)
      expect(w.events.map((e) => e.flags)).toEqual([SHAPE, 0, SHAPE])
    })
  })
}
