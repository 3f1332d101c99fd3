/**
 * @module Conformance: the framing and time cases of the Forward protocol digest's §9 (1–9, 11–18,
 * 31) as the framer sees them (the caller's behaviour — acks, closing — follows from the outcome).
 */
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decode } from '@msgpack/msgpack'
import { Compressed, EntryFlag, type EntryInfo, FrameStatus, InvalidReason, Mode } from '../../../wasm/types.ts'
import { byteByByte, feed, frameOnce, splitAt } from '../../helpers/feed.ts'
import { entriesPayload, entry, forward, message, options, packed, record } from '../../helpers/forward-build.ts'
import { cat, encode, eventTime, float64, hex, nil, str, timestamp, uint } from '../../helpers/msgpack-build.ts'
import { type FramerUnderTest, decodeAt, slice, text } from './context.ts'

const T = 1441588984
const invalid = (reason: number): number => EntryFlag.INVALID | (reason << 8)
const ackOf = (bytes: Uint8Array, chunk: readonly [number, number] | null): unknown =>
  decode(cat(hex('81 a3 61 63 6b'), slice(bytes, chunk!)))
const times = (events: EntryInfo[]): Array<[number, number]> => events.map((e) => [e.sec, e.nsec])

export function protocolCases(fut: FramerUnderTest): void {
  describe('Forward protocol conformance cases (§9)', () => {
    it('1. Message, int time: one event, tag test.a, time 1441588984.000000000', () => {
      const bytes = message('test.a', uint(T), record({ k: 'v' }))
      const [m] = fut.frame(bytes).messages
      expect(m.mode).toBe(Mode.MESSAGE)
      expect(text(bytes, m.tag)).toBe('test.a')
      expect(m.events).toHaveLength(1)
      expect(m.events[0]).toMatchObject({ sec: T, nsec: 0, flags: EntryFlag.TIME_INT })
      expect(decodeAt(bytes, m.events[0].record)).toEqual({ k: 'v' })
      expect(m.options.chunk).toBeNull()
    })

    it('2–3. EventTime as fixext8 (d7 00) and as ext8 (c7 08 00) give the same time, ns preserved', () => {
      const fix = message('test.a', eventTime(T, 123456789, 'fix'), record({ k: 'v' }))
      const ext8 = message('test.a', eventTime(T, 123456789, 8), record({ k: 'v' }))
      expect(slice(fix, [8, 18])).toEqual(hex('d7 00 55 ec e6 f8 07 5b cd 15'))
      expect(slice(ext8, [8, 19])).toEqual(hex('c7 08 00 55 ec e6 f8 07 5b cd 15'))
      for (const bytes of [fix, ext8]) {
        const [m] = fut.frame(bytes).messages
        expect(m.events[0]).toMatchObject({ sec: T, nsec: 123456789, flags: 0 })
        expect(decodeAt(bytes, m.events[0].record)).toEqual({ k: 'v' })
      }
    })

    it('4. Message with chunk "…==\\n": the ack echoes the value byte for byte', () => {
      const id = 'p8n9gmxTQVC8/nh2wlKKeQ==\n'
      const bytes = message('test.a', eventTime(T), record({ k: 'v' }), options({ chunk: id }))
      const [m] = fut.frame(bytes).messages
      expect(m.events[0].flags).toBe(0)
      expect(ackOf(bytes, m.options.chunk)).toEqual({ ack: id })
      expect(slice(bytes, m.options.chunk!)).toEqual(str(id))
    })

    it('5. Option nil (Docker): no options, the event is valid', () => {
      const bytes = message('test.a', uint(T), record({ k: 'v' }), nil())
      const o = fut.frame(bytes)
      expect(o.status).toBe(FrameStatus.OK)
      expect(o.messages[0].options).toMatchObject({ present: false, invalid: false, chunk: null })
      expect(o.messages[0].events[0].flags).toBe(EntryFlag.TIME_INT)
    })

    it('6. Forward mode with chunk X and size 2: two events in order, one ack', () => {
      const bytes = forward(
        'test.b',
        [entry(uint(T), record({ a: 1 })), entry(uint(T + 1), record({ a: 2 }))],
        options({ chunk: 'X', size: 2 }),
      )
      const [m] = fut.frame(bytes).messages
      expect(m.mode).toBe(Mode.FORWARD)
      expect(text(bytes, m.tag)).toBe('test.b')
      expect(times(m.events)).toEqual([
        [T, 0],
        [T + 1, 0],
      ])
      expect(m.events.map((e) => decodeAt(bytes, e.record))).toEqual([{ a: 1 }, { a: 2 }])
      expect(m.options.size).toBe(2)
      expect(ackOf(bytes, m.options.chunk)).toEqual({ ack: 'X' })
    })

    const twoEntries = entriesPayload([entry(eventTime(T, 1), record({ n: 1 })), entry(eventTime(T, 2), record({ n: 2 }))])

    it('7. PackedForward as str32 with compressed "text": two events', () => {
      const bytes = packed('test.c', twoEntries, 'str32', options({ size: 2, compressed: 'text' }))
      expect(bytes[8]).toBe(0xdb)
      const [m] = fut.frame(bytes).messages
      expect(m.mode).toBe(Mode.PACKED)
      expect(m.options).toMatchObject({ size: 2, compressed: Compressed.TEXT })
      expect(slice(bytes, m.entries)).toEqual(twoEntries)
      expect(times(m.events)).toEqual([
        [T, 1],
        [T, 2],
      ])
      expect(m.events.map((e) => decodeAt(bytes, e.record))).toEqual([{ n: 1 }, { n: 2 }])
    })

    it('8. PackedForward as bin32: the same events', () => {
      const bytes = packed('test.c', twoEntries, 'bin32', options({ size: 2 }))
      const [m] = fut.frame(bytes).messages
      expect(m.mode).toBe(Mode.PACKED)
      expect(times(m.events)).toEqual([
        [T, 1],
        [T, 2],
      ])
      expect(m.events.map((e) => decodeAt(bytes, e.record))).toEqual([{ n: 1 }, { n: 2 }])
      expect(m.events.map((e) => e.record[0] - m.entries[0])).toEqual([11, 26])
    })

    it('9. CompressedPackedForward with two gzip members: COMPRESSED, then walkEntries gives two events', () => {
      const e1 = entry(eventTime(T, 1), record({ n: 1 }))
      const e2 = entry(eventTime(T, 2), record({ n: 2 }))
      const payload = cat(gzipSync(e1), gzipSync(e2))
      const bytes = packed('test.d', payload, 'bin', options({ compressed: 'gzip', chunk: 'Y' }))
      const [m] = fut.frame(bytes).messages
      expect(m.mode).toBe(Mode.COMPRESSED)
      expect(m.events).toEqual([])
      expect(m.options.compressed).toBe(Compressed.GZIP)
      expect(ackOf(bytes, m.options.chunk)).toEqual({ ack: 'Y' })
      const inflated = new Uint8Array(gunzipSync(slice(bytes, m.entries)))
      const walk = fut.walk(inflated)
      expect(walk.status).toBe(FrameStatus.OK)
      expect(times(walk.events)).toEqual([
        [T, 1],
        [T, 2],
      ])
      expect(walk.events.map((e) => decodeAt(inflated, e.record))).toEqual([{ n: 1 }, { n: 2 }])
      expect(walk.events.map((e) => e.entry)).toEqual([
        [0, e1.length],
        [e1.length, e1.length + e2.length],
      ])
    })

    const threeMessages = cat(
      message('test.a', uint(T), record({ i: 1 })),
      message('test.a', eventTime(T, 5), record({ i: 2 }), options({ chunk: 'c' })),
      forward('test.a', [entry(uint(T), record({ i: 3 }))]),
    )

    it('11. Three back-to-back messages fed in 1-byte reads: exactly the three messages', () => {
      const once = frameOnce(fut.framer, threeMessages)
      expect(once.status).toBe(FrameStatus.OK)
      expect(once.messages).toHaveLength(3)
      const { calls, ...fed } = feed(fut.framer, byteByByte(threeMessages))
      expect(fed).toEqual(once)
      for (const c of calls)
        if (c.outcome.status === FrameStatus.NEED_MORE) expect(c.outcome.need).toBeGreaterThan(c.length - c.outcome.consumed)
    })

    it('11. …and at every 2-way split', () => {
      const once = frameOnce(fut.framer, threeMessages)
      for (let cut = 0; cut <= threeMessages.length; cut++) {
        const { calls: _, ...fed } = feed(fut.framer, splitAt(threeMessages, [cut]))
        expect(fed).toEqual(once)
      }
    })

    it('12. nil heartbeat then a message: HEARTBEAT, then the message', () => {
      const msg = message('test.a', uint(T), record({ k: 'v' }))
      const o = fut.frame(cat(nil(), msg))
      expect(o.status).toBe(FrameStatus.OK)
      expect(o.messages.map((m) => m.mode)).toEqual([Mode.HEARTBEAT, Mode.MESSAGE])
      expect(o.messages[0]).toMatchObject({ start: 0, end: 1, tag: null, entries: [0, 0], events: [] })
      expect(o.messages[1]).toMatchObject({ start: 1, end: 1 + msg.length })
    })

    it('13. A non-array object then a message: NOT_ARRAY (skipped whole), then the message', () => {
      const o = fut.frame(cat(encode({ a: 1 }), message('test.a', uint(T), record({ k: 'v' }))))
      expect(o.status).toBe(FrameStatus.OK)
      expect(o.messages.map((m) => m.mode)).toEqual([Mode.NOT_ARRAY, Mode.MESSAGE])
      expect(o.messages[0]).toMatchObject({ start: 0, end: 4, tag: null, entries: [0, 0], events: [] })
    })

    it('14. Invalid events in Forward: only the first is valid; reasons time and record; chunk Z', () => {
      const bytes = forward(
        'test.b',
        [entry(uint(T), record({ ok: 1 })), entry(str('str'), record({ bad: 'time' })), entry(uint(T), str('notamap'))],
        options({ chunk: 'Z' }),
      )
      const [m] = fut.frame(bytes).messages
      expect(m.events.map((e) => e.flags)).toEqual([EntryFlag.TIME_INT, invalid(InvalidReason.TIME), invalid(InvalidReason.RECORD)])
      expect(times(m.events)).toEqual([
        [T, 0],
        [0, 0],
        [0, 0],
      ])
      expect(ackOf(bytes, m.options.chunk)).toEqual({ ack: 'Z' })
    })

    it('15. Invalid Message (float time) with chunk W: the entry is invalid (time), the chunk is there', () => {
      const bytes = message('test.a', float64(1.5), record({ k: 'v' }), options({ chunk: 'W' }))
      const [m] = fut.frame(bytes).messages
      expect(m.mode).toBe(Mode.MESSAGE)
      expect(m.events).toEqual([{ sec: 0, nsec: 0, record: m.events[0].record, entry: m.entries, flags: invalid(InvalidReason.TIME) }])
      expect(decodeAt(bytes, m.events[0].record)).toEqual({ k: 'v' })
      expect(ackOf(bytes, m.options.chunk)).toEqual({ ack: 'W' })
    })

    it('16. Time zero is reported as sec 0 (the packer makes it "now")', () => {
      const [m] = fut.frame(message('test.a', uint(0), record({ k: 'v' }))).messages
      expect(m.events[0]).toMatchObject({ sec: 0, nsec: 0, flags: EntryFlag.TIME_INT })
      const [z] = fut.frame(message('test.a', eventTime(0, 0), record({ k: 'v' }))).messages
      expect(z.events[0]).toMatchObject({ sec: 0, nsec: 0, flags: 0 })
    })

    it('17. v1.5 metadata timestamps in Forward entries: [[t, {"k8s": "x"}], record] is accepted', () => {
      const bytes = forward('test.b', [entry(encodeMeta(eventTime(T, 7)), record({ a: 1 })), entry(encodeMeta(uint(T)), record({ a: 2 }))])
      const [m] = fut.frame(bytes).messages
      expect(m.mode).toBe(Mode.FORWARD)
      expect(m.events.map((e) => [e.sec, e.nsec, e.flags])).toEqual([
        [T, 7, EntryFlag.TIME_META],
        [T, 0, EntryFlag.TIME_META | EntryFlag.TIME_INT],
      ])
      expect(m.events.map((e) => decodeAt(bytes, e.record))).toEqual([{ a: 1 }, { a: 2 }])
    })

    it('18. Malformed msgpack mid-stream: INVALID at the c1 byte, the first message still reported', () => {
      const first = message('test.a', uint(T), record({ k: 'v' }), options({ chunk: 'A' }))
      const bytes = cat(first, hex('c1'), message('test.a', uint(T), record({ k: 'w' })))
      const o = fut.frame(bytes)
      expect(o.status).toBe(FrameStatus.INVALID)
      expect(o.errorOffset).toBe(first.length)
      expect(o.consumed).toBe(first.length)
      expect(o.messages).toHaveLength(1)
      expect(ackOf(bytes, o.messages[0].options.chunk)).toEqual({ ack: 'A' })
    })

    it('31. msgpack Timestamp ext −1 (d6 ff, d7 ff, c7 0c ff) is accepted as a time', () => {
      const forms = [
        [timestamp(T, 0, 32), T, 0],
        [timestamp(T, 123456789, 64), T, 123456789],
        [timestamp(T, 999999999, 96), T, 999999999],
      ] as const
      expect(forms[0][0].subarray(0, 2)).toEqual(hex('d6 ff'))
      for (const [time, sec, nsec] of forms) {
        const [m] = fut.frame(message('test.a', time, record({ k: 'v' }))).messages
        expect(m.events[0]).toMatchObject({ sec, nsec, flags: 0 })
      }
    })
  })
}

/** `[time, {"k8s": "x"}]`: the v1.5 metadata form. */
function encodeMeta(time: Uint8Array): Uint8Array {
  return cat(hex('92'), time, record({ k8s: 'x' }))
}
