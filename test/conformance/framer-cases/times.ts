/**
 * @module Conformance: every time form of docs/core-abi.md §1.3 — integer widths, EventTime,
 * Timestamp, the v1.5 metadata array — accepted or refused, in Message and Forward entries.
 */
import { describe, expect, it } from 'vitest'
import { EntryFlag, InvalidReason, Mode } from '../../../wasm/types.ts'
import { entry, forward, message, record } from '../../helpers/forward-build.ts'
import { array, bool, be, cat, eventTime, ext, float32, float64, int, map, nil, str, timestamp, uint } from '../../helpers/msgpack-build.ts'
import type { FramerUnderTest } from './context.ts'

const T = 1441588984
const U32_MAX = 0xffffffff
const { TIME_INT, TIME_META } = EntryFlag
const BAD_TIME = EntryFlag.INVALID | (InvalidReason.TIME << 8)

/** [name, encoded time, expected sec, nsec, flags] — BAD_TIME rows expect sec = nsec = 0. */
type TimeRow = readonly [string, Uint8Array, number, number, number]

const plainTimes: TimeRow[] = [
  ['positive fixint 0', uint(0), 0, 0, TIME_INT],
  ['positive fixint 127', uint(127), 127, 0, TIME_INT],
  ['uint8', uint(200, 8), 200, 0, TIME_INT],
  ['uint8 holding a small value', uint(5, 8), 5, 0, TIME_INT],
  ['uint16', uint(65535, 16), 65535, 0, TIME_INT],
  ['uint32', uint(T, 32), T, 0, TIME_INT],
  ['uint32 max', uint(U32_MAX, 32), U32_MAX, 0, TIME_INT],
  ['uint64 holding uint32 max', uint(U32_MAX, 64), U32_MAX, 0, TIME_INT],
  ['uint64 2^32', uint(2n ** 32n, 64), 0, 0, BAD_TIME],
  ['uint64 max', uint(2n ** 64n - 1n, 64), 0, 0, BAD_TIME],
  ['int8 positive', int(5, 8), 5, 0, TIME_INT],
  ['int16 positive', int(1000, 16), 1000, 0, TIME_INT],
  ['int32 positive', int(T, 32), T, 0, TIME_INT],
  ['int64 positive', int(T, 64), T, 0, TIME_INT],
  ['int64 uint32 max', int(U32_MAX, 64), U32_MAX, 0, TIME_INT],
  ['int64 2^32', int(2n ** 32n, 64), 0, 0, BAD_TIME],
  ['negative fixint', int(-1), 0, 0, BAD_TIME],
  ['int8 negative', int(-100, 8), 0, 0, BAD_TIME],
  ['int64 negative', int(-T, 64), 0, 0, BAD_TIME],
  ['float32', float32(1.5), 0, 0, BAD_TIME],
  ['float64', float64(T + 0.5), 0, 0, BAD_TIME],
  ['float64 integral', float64(T), 0, 0, BAD_TIME],
  ['nil', nil(), 0, 0, BAD_TIME],
  ['true', bool(true), 0, 0, BAD_TIME],
  ['str', str(String(T)), 0, 0, BAD_TIME],
  ['map', map([]), 0, 0, BAD_TIME],
  ['EventTime fixext8', eventTime(T, 123456789, 'fix'), T, 123456789, 0],
  ['EventTime ext8', eventTime(T, 123456789, 8), T, 123456789, 0],
  ['EventTime max', eventTime(U32_MAX, U32_MAX), U32_MAX, U32_MAX, 0],
  ['ext 0 as ext16 of 8', ext(0, cat(be(T, 4), be(0, 4)), 16), 0, 0, BAD_TIME],
  ['ext 0 as ext32 of 8', ext(0, cat(be(T, 4), be(0, 4)), 32), 0, 0, BAD_TIME],
  ['ext 0 as fixext4', ext(0, be(T, 4)), 0, 0, BAD_TIME],
  ['ext 0 as fixext16', ext(0, new Uint8Array(16)), 0, 0, BAD_TIME],
  ['ext 0 as ext8 of 12', ext(0, new Uint8Array(12)), 0, 0, BAD_TIME],
  ['ext 1 as fixext8', ext(1, cat(be(T, 4), be(0, 4))), 0, 0, BAD_TIME],
  ['Timestamp fixext4', timestamp(T, 0, 32), T, 0, 0],
  ['Timestamp fixext4 max', timestamp(U32_MAX, 0, 32), U32_MAX, 0, 0],
  ['Timestamp fixext8', timestamp(T, 123456789, 64), T, 123456789, 0],
  ['Timestamp fixext8 sec uint32 max', timestamp(U32_MAX, 1, 64), U32_MAX, 1, 0],
  ['Timestamp fixext8 sec 2^32', timestamp(2n ** 32n, 0, 64), 0, 0, BAD_TIME],
  ['Timestamp fixext8 sec 2^34 − 1', timestamp(2n ** 34n - 1n, 0, 64), 0, 0, BAD_TIME],
  ['Timestamp ext8 of 12', timestamp(T, 5, 96), T, 5, 0],
  ['Timestamp ext8 of 12, sec uint32 max', timestamp(U32_MAX, 0, 96), U32_MAX, 0, 0],
  ['Timestamp ext8 of 12, sec 2^32', timestamp(2n ** 32n, 0, 96), 0, 0, BAD_TIME],
  ['Timestamp ext8 of 12, sec −1', timestamp(-1n, 0, 96), 0, 0, BAD_TIME],
  ['Timestamp as ext8 of 4', ext(-1, be(T, 4), 8), 0, 0, BAD_TIME],
  ['Timestamp as ext8 of 8', ext(-1, be(T, 8), 8), 0, 0, BAD_TIME],
  ['Timestamp as ext16 of 12', ext(-1, cat(be(0, 4), be(T, 8)), 16), 0, 0, BAD_TIME],
  ['Timestamp as fixext16', ext(-1, new Uint8Array(16)), 0, 0, BAD_TIME],
]

/** The v1.5 form and other arrays in the time slot (only meaningful where the time is an entry's first element). */
const arrayTimes: TimeRow[] = [
  ['[int, {meta}]', array([uint(T), map([[str('k8s'), str('x')]])]), T, 0, TIME_INT | TIME_META],
  ['[EventTime, {meta}]', array([eventTime(T, 9), map([])]), T, 9, TIME_META],
  ['[EventTime ext8, {meta}, extra]', array([eventTime(T, 9, 8), map([]), nil()]), T, 9, TIME_META],
  ['[Timestamp, {meta}]', array([timestamp(T, 3, 64), map([])]), T, 3, TIME_META],
  ['[EventTime] alone', array([eventTime(T, 1)]), T, 1, TIME_META],
  ['[int, not a map]', array([uint(T), str('x')]), T, 0, TIME_INT | TIME_META],
  ['[negative int, {}]', array([int(-5), map([])]), 0, 0, BAD_TIME],
  ['[ext 7, {}]', array([ext(7, new Uint8Array(8)), map([])]), 0, 0, BAD_TIME],
  ['[]', array([]), 0, 0, BAD_TIME],
  ['[nil, {}]', array([nil(), map([])]), 0, 0, BAD_TIME],
  ['[[t], {}] (nested)', array([array([uint(T)]), map([])]), 0, 0, BAD_TIME],
  ['[str, t]', array([str('x'), uint(T)]), 0, 0, BAD_TIME],
  ['[float, {}]', array([float64(1.5), map([])]), 0, 0, BAD_TIME],
]

/** A str time would make a Message a PackedForward (element[1] decides the mode). */
const messagePlainTimes = plainTimes.filter(([name]) => name !== 'str')

/** Arrays whose first element is an int or an ext put a Message in MESSAGE mode; the others make it FORWARD. */
const messageArrayTimes = arrayTimes.filter(([name]) => /^\[(int|EventTime|Timestamp|negative int|ext 7)/.test(name))

export function timeCases(fut: FramerUnderTest): void {
  describe('time forms (§1.3)', () => {
    const rec = record({ k: 'v' })

    it.each([...messagePlainTimes, ...messageArrayTimes])('Message mode: %s', (_, time, sec, nsec, flags) => {
      const [m] = fut.frame(message('test.a', time, rec)).messages
      expect(m.mode).toBe(Mode.MESSAGE)
      expect(m.events).toHaveLength(1)
      expect(m.events[0]).toMatchObject({ sec, nsec, flags })
    })

    it.each([...plainTimes, ...arrayTimes])('Forward entry: %s', (_, time, sec, nsec, flags) => {
      const [m] = fut.frame(forward('test.a', [entry(time, rec), entry(uint(1), rec)])).messages
      expect(m.mode).toBe(Mode.FORWARD)
      expect(m.events[0]).toMatchObject({ sec, nsec, flags })
      expect(m.events[1]).toMatchObject({ sec: 1, nsec: 0, flags: TIME_INT })
    })
  })
}
