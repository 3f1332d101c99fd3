/**
 * @module Conformance: the scan order of docs/core-abi.md §1.1 — NEED_MORE with its `need` on every
 * proper prefix, FRAME_TOO_LARGE (also announced early by a header), INVALID at a `c1` byte — and
 * the exact `need` values the rules give.
 */
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { FrameStatus } from '../../../wasm/types.ts'
import { entriesPayload, entry, forward, message, options, packed, record } from '../../helpers/forward-build.ts'
import { array, bin, cat, encode, eventTime, ext, float32, hex, map, nil, str, timestamp, uint } from '../../helpers/msgpack-build.ts'
import type { FramerUnderTest } from './context.ts'

const T = 1441588984

/** Valid messages of every mode and many header widths. */
export const sampleMessages: ReadonlyArray<readonly [string, Uint8Array]> = [
  ['heartbeat', nil()],
  ['non-array map', encode({ a: [1, 2, { b: 'c' }] })],
  ['Message int time', message('test.a', uint(T), record({ k: 'v' }))],
  [
    'Message EventTime ext8 + options',
    message('test.a', eventTime(T, 9, 8), record({ k: 'v', n: [1, 2.5] }), options({ chunk: 'abc', size: 1 })),
  ],
  ['Message Timestamp 96 + nil option', message('test.a', timestamp(T, 1, 96), record({ k: null }), nil())],
  ['Message v1.5 time', message('test.a', array([eventTime(T), record({ m: 1 })]), record({}))],
  [
    'Forward',
    forward(
      'test.b',
      [entry(uint(T), record({ a: 1 })), entry(eventTime(T, 2), record({ a: bin('xyz') }))],
      options({ chunk: 'X', size: 2 }),
    ),
  ],
  ['Forward array16 with str32 tag', array([str('test.b', 32), array([entry(uint(T), map([[str('k', 16), float32(1.5)]], 16))], 16)])],
  [
    'Packed str32',
    packed(
      'test.c',
      entriesPayload([entry(eventTime(T, 1), record({ n: 1 })), entry(uint(T), record({ n: 2 }))]),
      'str32',
      options({ compressed: 'text', size: 2 }),
    ),
  ],
  ['Packed bin32', packed('test.c', entry(uint(T), record({})), 'bin32')],
  ['Compressed', packed('test.d', gzipSync(entry(uint(T), record({ z: 1 }))), 'bin', options({ compressed: 'gzip' }))],
  ['ext32 record value', message('t', uint(1), map([[str('e'), ext(5, new Uint8Array(3), 32)]]))],
]

export function limitCases(fut: FramerUnderTest): void {
  describe('NEED_MORE (§1.1)', () => {
    it.each(sampleMessages)('every proper prefix of %s: need in (available, length]', (_, bytes) => {
      expect(fut.frame(bytes).status).toBe(FrameStatus.OK)
      for (let n = 1; n < bytes.length; n++) {
        const o = fut.frame(bytes.subarray(0, n))
        expect(o).toMatchObject({ status: FrameStatus.NEED_MORE, consumed: 0, messages: [], errorOffset: -1 })
        expect(o.need).toBeGreaterThan(n)
        expect(o.need).toBeLessThanOrEqual(bytes.length)
      }
    })

    it.each(sampleMessages)('after a complete message, %s cut: need counted from consumed', (_, bytes) => {
      const first = message('a', uint(1), record({}))
      for (let n = 1; n < bytes.length; n++) {
        const o = fut.frame(cat(first, bytes.subarray(0, n)))
        expect(o.status).toBe(FrameStatus.NEED_MORE)
        expect(o.consumed).toBe(first.length)
        expect(o.messages).toHaveLength(1)
        expect(o.need).toBeGreaterThan(n)
        expect(o.need).toBeLessThanOrEqual(bytes.length)
      }
    })

    it('an empty buffer is OK with nothing consumed', () => {
      expect(fut.frame(new Uint8Array(0))).toEqual({ status: FrameStatus.OK, consumed: 0, messages: [], need: 0, errorOffset: -1 })
    })

    it.each([
      ['array header alone: its first element + the 2 owed', '93', 4],
      ['tag str announced: its end + 2 owed', '93 a5 74', 7 + 2],
      ['uint32 header byte: the number is payload', '93 a1 74 ce', 9],
      ['uint32 half there', '93 a1 74 ce 55 ec', 9],
      ['str8 format byte alone: its header size', '93 d9', 3 + 2],
      ['str8 header there: the announced end', '93 d9 10', 3 + 16 + 2],
      ['bin32 header cut', '92 a1 74 c6 00 00', 8 + 0],
      ['bin32 header there', '92 a1 74 c6 00 00 01 00', 8 + 256],
      ['ext8 format byte alone: the type byte is header', '92 a1 74 c7', 3 + 3],
      ['ext8 length there, type byte not', '92 a1 74 c7 08', 3 + 3],
      ['ext8 header there: the data is payload', '92 a1 74 c7 08 00', 3 + 3 + 8],
      ['ext32 header cut', '92 a1 74 c9 00 00 00 08', 3 + 6],
      ['fixext8 format byte alone: the type byte is header', '92 a1 74 d7', 3 + 2],
      ['fixext8 header there', '92 a1 74 d7 00', 3 + 2 + 8],
      ['map32 count there: every owed object needs a byte', 'df 00 01 00 00', 5 + 2 * 65536],
      ['nested containers add up', '92 93 94', 3 + 4 + 2 + 1],
      ['map header: keys and values owed', '82 a1 6b', 3 + 3],
      ['float64 half there', '92 a1 74 cb 00 00', 3 + 9],
      ['capped at 2^31 − 1 (an i32 across the ABI)', 'db 80 00 00 00', 2 ** 31 - 1],
      ['just under the cap', 'c6 7f ff ff f9', 2 ** 31 - 2],
    ] as const)('need: %s', (_, input, need) => {
      expect(fut.frame(hex(input))).toMatchObject({ status: FrameStatus.NEED_MORE, need })
    })
  })

  describe('FRAME_TOO_LARGE (§1.1)', () => {
    it.each(sampleMessages)('%s: OK at maxFrame = its length, too large at one less', (_, bytes) => {
      expect(fut.frame(bytes, bytes.length).status).toBe(FrameStatus.OK)
      if (bytes.length > 1)
        expect(fut.frame(bytes, bytes.length - 1)).toMatchObject({
          status: FrameStatus.FRAME_TOO_LARGE,
          consumed: 0,
          need: 0,
          errorOffset: -1,
        })
    })

    it('the messages before the too-large one are reported; maxFrame counts from each message', () => {
      const small = message('a', uint(1), record({}))
      const big = message('a', uint(1), record({ k: 'x'.repeat(100) }))
      const o = fut.frame(cat(small, small, big, small), small.length)
      expect(o).toMatchObject({ status: FrameStatus.FRAME_TOO_LARGE, consumed: 2 * small.length })
      expect(o.messages.map((m) => m.start)).toEqual([0, small.length])
    })

    it.each([
      ['a bin32 header announcing 1 MiB (payload not there)', '92 a1 74 c6 00 10 00 00', 65536],
      ['a str32 header', '92 a1 74 db 00 01 00 00', 1000],
      ['a top-level bin32 header', 'c6 ff ff ff ff', 1 << 30],
      ['a map32 count (every owed object needs a byte)', 'df 00 01 00 00', 100000],
      ['an array32 count', '92 a1 74 dd 00 01 00 00', 65536],
      ['array32 of 2^32 − 1 elements, even with no limit', 'dd ff ff ff ff', undefined],
      ['a uint32 header byte past the limit', '92 a1 74 ce', 7],
      ['a fixext8 header', '92 a1 74 d7 00', 12],
      ['an ext8 header', '92 a1 74 c7 08 00', 13],
      ['an ext32 header', '92 a1 74 c9 00 01 00 00 05', 1000],
      ['a header byte at the limit', '93 a1 74 01 01', 4],
      ['a container whose owed objects pass the limit', '91 92', 2],
    ] as const)('announced early by %s', (_, input, maxFrame) => {
      expect(fut.frame(hex(input), maxFrame)).toMatchObject({ status: FrameStatus.FRAME_TOO_LARGE, consumed: 0, messages: [] })
    })

    it('a header whose length field is not there yet is NEED_MORE, whatever the limit', () => {
      expect(fut.frame(hex('92 a1 74 c6 00'), 4)).toMatchObject({ status: FrameStatus.NEED_MORE, need: 8 })
      expect(fut.frame(hex('d9'), 1)).toMatchObject({ status: FrameStatus.NEED_MORE, need: 2 })
      expect(fut.frame(hex('92 a1 74 c7 08'), 4)).toMatchObject({ status: FrameStatus.NEED_MORE, need: 6 })
      expect(fut.frame(hex('92 a1 74 d7'), 4)).toMatchObject({ status: FrameStatus.NEED_MORE, need: 5 })
      expect(fut.frame(hex('d9 05'), 1).status).toBe(FrameStatus.FRAME_TOO_LARGE)
    })

    it('maxFrame 1: single-byte messages pass', () => {
      expect(fut.frame(hex('c0 c0 01 a0 90 80'), 1)).toMatchObject({ status: FrameStatus.OK, consumed: 6 })
      expect(fut.frame(hex('c0 91 c0'), 1)).toMatchObject({ status: FrameStatus.FRAME_TOO_LARGE, consumed: 1 })
    })
  })

  describe('INVALID (§1.1)', () => {
    it.each([
      ['top level', 'c1', 0],
      ['as the tag', '93 c1 01 80', 1],
      ['inside a record', '93 a1 74 01 81 a1 6b c1', 7],
      ['as a map key in the options', '94 a1 74 01 80 81 c1 01', 6],
      ['after a heartbeat', 'c0 c1', 1],
      ['before the bytes run out', '93 a1 74 c1', 3],
    ] as const)('c1 %s', (_, input, at) => {
      const o = fut.frame(hex(input))
      expect(o).toMatchObject({ status: FrameStatus.INVALID, errorOffset: at, need: 0 })
    })

    it('bytes after the c1 are never read', () => {
      expect(fut.frame(cat(hex('93 a1 74 c1'), hex('db ff ff ff ff')), 10)).toMatchObject({ status: FrameStatus.INVALID, errorOffset: 3 })
    })
  })
}
