/**
 * @module Conformance: how the top-level object and element[1] decide the mode, the tag, the
 * entries range, and the entry shapes of Message and Forward mode (docs/core-abi.md §1.2–§1.3).
 */
import { describe, expect, it } from 'vitest'
import { Compressed, EntryFlag, FrameStatus, InvalidReason, Mode } from '../../../wasm/types.ts'
import { entry, forward, message, options, packed, record } from '../../helpers/forward-build.ts'
import { array, bin, cat, encode, eventTime, ext, float64, int, map, nil, str, uint } from '../../helpers/msgpack-build.ts'
import { type FramerUnderTest, decodeAt, slice, text } from './context.ts'

const T = 1441588984
const invalid = (reason: number): number => EntryFlag.INVALID | (reason << 8)
const TIME = invalid(InvalidReason.TIME)
const RECORD = invalid(InvalidReason.RECORD)
const SHAPE = invalid(InvalidReason.SHAPE)

export function modeCases(fut: FramerUnderTest): void {
  const only = (bytes: Uint8Array) => {
    const o = fut.frame(bytes)
    expect(o.status).toBe(FrameStatus.OK)
    expect(o.messages).toHaveLength(1)
    return o.messages[0]
  }

  describe('modes (§1.2)', () => {
    it.each([
      ['nil', nil(), Mode.HEARTBEAT],
      ['map', encode({ a: 1 }), Mode.NOT_ARRAY],
      ['int', uint(7), Mode.NOT_ARRAY],
      ['str', str('tag.a'), Mode.NOT_ARRAY],
      ['bin', bin('x'), Mode.NOT_ARRAY],
      ['ext', eventTime(T), Mode.NOT_ARRAY],
      ['float', float64(1), Mode.NOT_ARRAY],
    ] as const)('top-level %s', (_, bytes, mode) => {
      expect(only(bytes)).toEqual({
        start: 0,
        end: bytes.length,
        mode,
        tag: null,
        entries: [0, 0],
        options: { present: false, invalid: false, size: null, chunk: null, compressed: Compressed.ABSENT, fluentSignal: -1 },
        events: [],
      })
    })

    it.each([
      ['[tag, int, rec]', array([str('t'), uint(T), record({})]), Mode.MESSAGE],
      ['[tag, [int, {}], rec] (v1.5)', array([str('t'), array([uint(T), map([])]), record({})]), Mode.MESSAGE],
      ['[tag, [negative int], rec]', array([str('t'), array([int(-1)]), record({})]), Mode.MESSAGE],
      ['[tag, [any ext], rec]', array([str('t'), array([ext(42, Uint8Array.of(1))]), record({})]), Mode.MESSAGE],
      ['[tag, []]', array([str('t'), array([])]), Mode.FORWARD],
      ['[tag, [[t, rec]]]', forward('t', [entry(uint(T), record({}))]), Mode.FORWARD],
      ['[tag, [str]]', array([str('t'), array([str('x')])]), Mode.FORWARD],
      ['[tag, [float]]', array([str('t'), array([float64(1)])]), Mode.FORWARD],
      ['[tag, [nil]]', array([str('t'), array([nil()])]), Mode.FORWARD],
      ['[tag, str]', packed('t', new Uint8Array(0), 'str'), Mode.PACKED],
      ['[tag, bin]', packed('t', new Uint8Array(0), 'bin'), Mode.PACKED],
      ['[tag, str, {compressed: text}]', packed('t', new Uint8Array(0), 'str', options({ compressed: 'text' })), Mode.PACKED],
      ['[tag, str, {compressed: deflate}]', packed('t', new Uint8Array(0), 'str', options({ compressed: 'deflate' })), Mode.PACKED],
      ['[tag, str, {compressed: 1}]', packed('t', new Uint8Array(0), 'str', options({ compressed: 1 })), Mode.PACKED],
      ['[tag, bin, {compressed: gzip}]', packed('t', Uint8Array.of(1, 2), 'bin', options({ compressed: 'gzip' })), Mode.COMPRESSED],
      ['[tag, str, {compressed: gzip}]', packed('t', Uint8Array.of(0xc1), 'str32', options({ compressed: 'gzip' })), Mode.COMPRESSED],
      ['[tag, bin, {compressed: zstd}]', packed('t', Uint8Array.of(0xc1), 'bin', options({ compressed: 'zstd' })), Mode.COMPRESSED],
      ['[]', array([]), Mode.MESSAGE],
      ['[tag]', array([str('t')]), Mode.MESSAGE],
      ['[tag, nil, rec]', array([str('t'), nil(), record({})]), Mode.MESSAGE],
      ['[tag, map, rec]', array([str('t'), map([]), record({})]), Mode.MESSAGE],
      ['[tag, float, rec]', array([str('t'), float64(1.5), record({})]), Mode.MESSAGE],
    ] as const)('%s', (_, bytes, mode) => {
      expect(only(bytes).mode).toBe(mode)
    })

    it('the tag is the str payload range; any other element 0 gives null', () => {
      const s32 = array([str('test.tag', 32), uint(T), record({})])
      expect(text(s32, only(s32).tag)).toBe('test.tag')
      expect(only(s32).tag).toEqual([6, 14])
      const empty = array([str(''), uint(T), record({})])
      expect(only(empty).tag).toEqual([2, 2])
      const utf8 = array([str('ログ.é'), uint(T), record({})])
      expect(text(utf8, only(utf8).tag)).toBe('ログ.é')
      for (const tag of [bin('tag'), uint(1), nil(), array([])]) {
        expect(only(array([tag, uint(T), record({})])).tag).toBeNull()
      }
      expect(only(array([])).tag).toBeNull()
    })

    it('COMPRESSED: the entries range is the payload, no events, the payload is not walked', () => {
      const payload = Uint8Array.of(0x1f, 0x8b, 0xc1, 0xdb, 0xff)
      const bytes = packed('t', payload, 'bin', options({ compressed: 'gzip', size: 3 }))
      const m = only(bytes)
      expect(slice(bytes, m.entries)).toEqual(payload)
      expect(m.events).toEqual([])
      expect(m.options.size).toBe(3)
    })

    it('Forward mode keeps a compressed option it does not use', () => {
      const m = only(forward('t', [entry(uint(T), record({}))], options({ compressed: 'gzip' })))
      expect(m.mode).toBe(Mode.FORWARD)
      expect(m.options.compressed).toBe(Compressed.GZIP)
      expect(m.events).toHaveLength(1)
    })

    it('options are element 3 in Message mode and element 2 otherwise; later elements are skipped', () => {
      const msg = only(array([str('t'), uint(T), record({}), options({ size: 1 }), options({ size: 9 }), nil()]))
      expect(msg.options.size).toBe(1)
      const fwd = only(array([str('t'), array([entry(uint(T), record({}))]), options({ size: 2 }), options({ size: 9 })]))
      expect(fwd.options.size).toBe(2)
      const pk = only(array([str('t'), bin(''), options({ size: 3 }), uint(5)]))
      expect(pk.options.size).toBe(3)
    })
  })

  describe('Message mode entries (§1.3)', () => {
    it('exactly one entry: time = element 1, record = element 2; entry and entries span both', () => {
      const bytes = message('t', uint(T), record({ a: 1 }), options({}))
      const m = only(bytes)
      expect(m.entries).toEqual([3, 3 + 5 + 4])
      expect(m.events).toEqual([{ sec: T, nsec: 0, record: [8, 12], entry: [3, 12], flags: EntryFlag.TIME_INT }])
    })

    it('a missing record: invalid (record), empty record range at the array end', () => {
      const bytes = array([str('t'), uint(T)])
      expect(only(bytes).events).toEqual([{ sec: 0, nsec: 0, record: [8, 8], entry: [3, 8], flags: RECORD }])
      expect(only(bytes).entries).toEqual([3, 8])
    })

    it('a missing time: invalid (time), empty ranges at the array end', () => {
      expect(only(array([str('t')])).events).toEqual([{ sec: 0, nsec: 0, record: [3, 3], entry: [3, 3], flags: TIME }])
      expect(only(array([str('t')])).entries).toEqual([3, 3])
      expect(only(array([])).events).toEqual([{ sec: 0, nsec: 0, record: [1, 1], entry: [1, 1], flags: TIME }])
      expect(only(array([uint(1)], 16)).events[0]).toMatchObject({ entry: [4, 4], flags: TIME })
    })

    it('a record that is not a map is invalid (record); an invalid entry reports no time', () => {
      for (const rec of [str('x'), nil(), array([]), uint(1), bin('')]) {
        expect(only(message('t', eventTime(T, 3), rec)).events[0]).toMatchObject({ sec: 0, nsec: 0, flags: RECORD })
      }
    })

    it('time and record both bad: the reason is time', () => {
      expect(only(message('t', float64(1), str('x'))).events[0]).toMatchObject({ sec: 0, nsec: 0, flags: TIME })
      expect(only(array([str('t'), nil()])).events[0].flags).toBe(TIME)
    })

    it('a non-str tag does not make the entry invalid (the caller does)', () => {
      expect(only(array([uint(1), uint(T), record({})])).events[0].flags).toBe(EntryFlag.TIME_INT)
    })
  })

  describe('Forward mode entries (§1.3)', () => {
    it('one entry per element; elements after the second are ignored', () => {
      const e1 = entry(uint(T), record({ a: 1 }))
      const e2 = array([eventTime(T, 2), record({ a: 2 }), str('extra'), nil()])
      const bytes = forward('t', [e1, e2])
      const m = only(bytes)
      expect(m.entries).toEqual([4, bytes.length])
      expect(m.events.map((e) => e.entry)).toEqual([
        [4, 4 + e1.length],
        [4 + e1.length, bytes.length],
      ])
      expect(m.events.map((e) => decodeAt(bytes, e.record))).toEqual([{ a: 1 }, { a: 2 }])
      expect(m.events.map((e) => e.flags)).toEqual([EntryFlag.TIME_INT, 0])
    })

    it('an element that is not an array of at least 2 is invalid (shape), empty record range at its end', () => {
      const shapes = [str('x'), array([]), array([uint(T)]), map([[uint(T), record({})]]), nil(), uint(T)]
      const bytes = forward('t', shapes)
      const m = only(bytes)
      expect(m.events).toHaveLength(shapes.length)
      for (const e of m.events) {
        expect(e).toEqual({ sec: 0, nsec: 0, record: [e.entry[1], e.entry[1]], entry: e.entry, flags: SHAPE })
      }
    })

    it('array16 / array32 entries arrays and entry arrays', () => {
      const e = cat(Uint8Array.of(0xdc, 0, 2), eventTime(T, 1), record({ z: 1 }))
      const bytes = array([str('t'), array([e, e], 32)])
      const m = only(bytes)
      expect(m.entries).toEqual([8, bytes.length])
      expect(m.events.map((x) => [x.sec, x.nsec, x.flags])).toEqual([
        [T, 1, 0],
        [T, 1, 0],
      ])
    })

    it('an empty Forward array gives no events', () => {
      const m = only(array([str('t'), array([]), options({ chunk: 'k' })]))
      expect(m.mode).toBe(Mode.FORWARD)
      expect(m.events).toEqual([])
      expect(m.entries).toEqual([4, 4])
    })
  })
}
