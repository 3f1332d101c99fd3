/**
 * @module Conformance: the byte examples of the Forward protocol digest (§1.2), framed byte for
 * byte with every offset of the expected outcome written out by hand.
 */
import { describe, expect, it } from 'vitest'
import { Compressed, EntryFlag, FrameStatus, Mode, type OptionsInfo } from '../../../wasm/types.ts'
import { cat, hex } from '../../helpers/msgpack-build.ts'
import { type FramerUnderTest, slice } from './context.ts'

const NO_OPTIONS: OptionsInfo = { present: false, invalid: false, size: null, chunk: null, compressed: Compressed.ABSENT, fluentSignal: -1 }
const TAG_A = 'a5 74 61 67 2e 61' // "tag.a"
const T = 1441588984

export function exampleCases(fut: FramerUnderTest): void {
  describe('byte examples (§1.2)', () => {
    it('Message, int time: ["tag.a", 1441588984, {"k":"v"}]', () => {
      const bytes = hex(`93 ${TAG_A} ce 55 ec e6 f8 81 a1 6b a1 76`)
      expect(fut.frame(bytes)).toEqual({
        status: FrameStatus.OK,
        consumed: 17,
        need: 0,
        errorOffset: -1,
        messages: [
          {
            start: 0,
            end: 17,
            mode: Mode.MESSAGE,
            tag: [2, 7],
            entries: [7, 17],
            options: NO_OPTIONS,
            events: [{ sec: T, nsec: 0, record: [12, 17], entry: [7, 17], flags: EntryFlag.TIME_INT }],
          },
        ],
      })
    })

    it('Message, EventTime(1441588984, 123456789) as fixext8', () => {
      const bytes = hex(`93 ${TAG_A} d7 00 55 ec e6 f8 07 5b cd 15 81 a1 6b a1 76`)
      expect(fut.frame(bytes)).toEqual({
        status: FrameStatus.OK,
        consumed: 22,
        need: 0,
        errorOffset: -1,
        messages: [
          {
            start: 0,
            end: 22,
            mode: Mode.MESSAGE,
            tag: [2, 7],
            entries: [7, 22],
            options: NO_OPTIONS,
            events: [{ sec: T, nsec: 123456789, record: [17, 22], entry: [7, 22], flags: 0 }],
          },
        ],
      })
    })

    it('Forward: ["tag.a", [[1441588984, {"k":"v"}]]]', () => {
      const bytes = hex(`92 ${TAG_A} 91 92 ce 55 ec e6 f8 81 a1 6b a1 76`)
      expect(fut.frame(bytes)).toEqual({
        status: FrameStatus.OK,
        consumed: 19,
        need: 0,
        errorOffset: -1,
        messages: [
          {
            start: 0,
            end: 19,
            mode: Mode.FORWARD,
            tag: [2, 7],
            entries: [8, 19],
            options: NO_OPTIONS,
            events: [{ sec: T, nsec: 0, record: [14, 19], entry: [8, 19], flags: EntryFlag.TIME_INT }],
          },
        ],
      })
    })

    it('Message + ack request: the chunk value is echoed byte for byte in {"ack": ...}', () => {
      const chunk = new TextEncoder().encode('p8n9gmxTQVC8/nh2wlKKeQ==')
      const bytes = cat(hex(`94 ${TAG_A} ce 55 ec e6 f8 81 a1 6b a1 76 81 a5 63 68 75 6e 6b b8`), chunk)
      expect(bytes.length).toBe(49)
      const outcome = fut.frame(bytes)
      expect(outcome).toEqual({
        status: FrameStatus.OK,
        consumed: 49,
        need: 0,
        errorOffset: -1,
        messages: [
          {
            start: 0,
            end: 49,
            mode: Mode.MESSAGE,
            tag: [2, 7],
            entries: [7, 17],
            options: { ...NO_OPTIONS, present: true, chunk: [24, 49] },
            events: [{ sec: T, nsec: 0, record: [12, 17], entry: [7, 17], flags: EntryFlag.TIME_INT }],
          },
        ],
      })
      const ack = cat(hex('81 a3 61 63 6b'), slice(bytes, outcome.messages[0].options.chunk!))
      expect(ack).toEqual(cat(hex('81 a3 61 63 6b b8'), chunk))
    })
  })
}
