/**
 * @module Conformance: the option map (docs/core-abi.md §1.2): nil and non-map options, duplicate
 * and non-str keys, `size` clamping, `chunk` as the whole encoded value, `compressed` and
 * `fluent_signal` values.
 */
import { describe, expect, it } from 'vitest'
import { Compressed, type OptionsInfo } from '../../../wasm/types.ts'
import { entry, forward, message, record } from '../../helpers/forward-build.ts'
import { array, bin, cat, encode, float64, int, map, nil, str, uint } from '../../helpers/msgpack-build.ts'
import { type FramerUnderTest, slice } from './context.ts'

const T = 1441588984
const NONE: OptionsInfo = { present: false, invalid: false, size: null, chunk: null, compressed: Compressed.ABSENT, fluentSignal: -1 }
const EMPTY: OptionsInfo = { ...NONE, present: true }

export function optionCases(fut: FramerUnderTest): void {
  /** The options of a Message-mode message carrying `option` (and where it starts). */
  const optionsOf = (option: Uint8Array | undefined) => {
    const bytes = message('t', uint(T), record({}), option)
    const at = bytes.length - (option?.length ?? 0)
    return { bytes, at, options: fut.frame(bytes).messages[0].options }
  }
  const kv = (key: string, value: Uint8Array): readonly [Uint8Array, Uint8Array] => [str(key), value]

  describe('options (§1.2)', () => {
    it('absent and nil mean no options; an empty map is present with nothing in it', () => {
      expect(optionsOf(undefined).options).toEqual(NONE)
      expect(optionsOf(nil()).options).toEqual(NONE)
      expect(optionsOf(map([])).options).toEqual(EMPTY)
      expect(optionsOf(map([], 32)).options).toEqual(EMPTY)
    })

    it.each([
      ['str', str('chunk')],
      ['array', array([str('chunk'), str('X')])],
      ['int', uint(0)],
      ['bin', bin('')],
      ['false', Uint8Array.of(0xc2)],
    ] as const)('a non-map option (%s) sets invalid and is otherwise ignored', (_, option) => {
      expect(optionsOf(option).options).toEqual({ ...NONE, invalid: true })
    })

    it('chunk: the range of the whole encoded value, whatever its type', () => {
      for (const value of [
        str('X'),
        str('p8n9gmxTQVC8/nh2wlKKeQ==\n', 32),
        bin(Uint8Array.of(0, 0xff, 0xc1)),
        uint(7),
        nil(),
        encode({ id: [1, 2] }),
      ]) {
        const { bytes, at, options } = optionsOf(map([kv('chunk', value)]))
        expect(options).toEqual({ ...EMPTY, chunk: [at + 7, at + 7 + value.length] })
        expect(slice(bytes, options.chunk!)).toEqual(value)
      }
    })

    it('duplicate keys: the last occurrence wins', () => {
      const { at, options } = optionsOf(map([kv('chunk', str('A')), kv('size', uint(1)), kv('chunk', str('BB')), kv('size', uint(2))]))
      expect(options).toEqual({ ...EMPTY, size: 2, chunk: [at + 21, at + 24] })
      expect(optionsOf(map([kv('compressed', str('gzip')), kv('compressed', str('text'))])).options.compressed).toBe(Compressed.TEXT)
      expect(optionsOf(map([kv('fluent_signal', uint(2)), kv('fluent_signal', uint(1))])).options.fluentSignal).toBe(1)
    })

    it('an unusable size is ignored; an unusable fluent_signal or compressed value still wins', () => {
      expect(optionsOf(map([kv('size', uint(5)), kv('size', str('5'))])).options.size).toBe(5)
      expect(optionsOf(map([kv('size', uint(5)), kv('size', int(-1))])).options.size).toBe(5)
      expect(optionsOf(map([kv('fluent_signal', uint(1)), kv('fluent_signal', nil())])).options.fluentSignal).toBe(-1)
      expect(optionsOf(map([kv('compressed', str('gzip')), kv('compressed', nil())])).options.compressed).toBe(Compressed.OTHER)
    })

    it('only str keys are recognized (bin, int, nil keys and their values are skipped)', () => {
      const { options } = optionsOf(
        map([
          [bin('size'), uint(9)],
          [uint(1), str('chunk')],
          [nil(), uint(3)],
          [bin('chunk'), str('X')],
          [array([str('size')]), uint(4)],
        ]),
      )
      expect(options).toEqual(EMPTY)
    })

    it('keys match byte for byte: any str width, case-sensitive, no prefixes', () => {
      expect(optionsOf(map([[str('size', 8), uint(4)]])).options.size).toBe(4)
      expect(optionsOf(map([[str('size', 32), uint(4)]])).options.size).toBe(4)
      expect(optionsOf(map([[str('compressed', 16), str('zstd', 32)]])).options.compressed).toBe(Compressed.ZSTD)
      for (const key of ['Size', 'size ', 'siz', 'sizes', 'chunk\n', 'Chunk', 'COMPRESSED', 'fluent-signal']) {
        expect(optionsOf(map([kv(key, uint(4))])).options).toEqual(EMPTY)
      }
    })

    it.each([
      ['fixint', uint(3), 3],
      ['0', uint(0), 0],
      ['uint16', uint(1000, 16), 1000],
      ['uint32 max', uint(0xffffffff, 32), 0xffffffff],
      ['uint64 2^40 (clamped)', uint(2n ** 40n, 64), 0xffffffff],
      ['uint64 max (clamped)', uint(2n ** 64n - 1n, 64), 0xffffffff],
      ['int8 positive', int(7, 8), 7],
      ['int64 2^33 (clamped)', int(2n ** 33n, 64), 0xffffffff],
      ['negative', int(-1), null],
      ['int64 negative', int(-(2n ** 40n), 64), null],
      ['float', float64(2), null],
      ['str', str('2'), null],
      ['nil', nil(), null],
    ] as const)('size %s', (_, value, size) => {
      expect(optionsOf(map([kv('size', value)])).options).toEqual({ ...EMPTY, size })
    })

    it.each([
      ['"text"', str('text'), Compressed.TEXT],
      ['"gzip"', str('gzip'), Compressed.GZIP],
      ['"zstd"', str('zstd'), Compressed.ZSTD],
      ['"gzip" as str32', str('gzip', 32), Compressed.GZIP],
      ['"GZIP"', str('GZIP'), Compressed.OTHER],
      ['"gzip\\n"', str('gzip\n'), Compressed.OTHER],
      ['""', str(''), Compressed.OTHER],
      ['"deflate"', str('deflate'), Compressed.OTHER],
      ['bin "gzip"', bin('gzip'), Compressed.OTHER],
      ['nil', nil(), Compressed.OTHER],
      ['true', Uint8Array.of(0xc3), Compressed.OTHER],
    ] as const)('compressed %s', (_, value, compressed) => {
      expect(optionsOf(map([kv('compressed', value)])).options).toEqual({ ...EMPTY, compressed })
    })

    it.each([
      ['0', uint(0), 0],
      ['1', uint(1), 1],
      ['2', uint(2), 2],
      ['uint32', uint(70000, 32), 70000],
      ['int32 max', uint(0x7fffffff, 32), 0x7fffffff],
      ['int32 min', int(-(2 ** 31), 32), -(2 ** 31)],
      ['negative fixint', int(-2), -2],
      ['int64 −1', int(-1, 64), -1],
      ['uint32 max (not an i32)', uint(0xffffffff, 32), -1],
      ['uint64 2^40 (not an i32)', uint(2n ** 40n, 64), -1],
      ['uint64 max (not an i32)', uint(2n ** 64n - 1n, 64), -1],
      ['int64 −2^31 − 1 (not an i32)', int(-(2n ** 31n) - 1n, 64), -1],
      ['nil', nil(), -1],
      ['float', float64(1), -1],
      ['str', str('1'), -1],
    ] as const)('fluent_signal %s', (_, value, fluentSignal) => {
      expect(optionsOf(map([kv('fluent_signal', value)])).options).toEqual({ ...EMPTY, fluentSignal })
    })

    it('all four keys together, among unknown keys (Fluent Bit sends metadata too)', () => {
      const option = map([
        kv('metadata', encode({ a: 1 })),
        kv('size', uint(1)),
        kv('chunk', str('Q')),
        kv('compressed', str('text')),
        kv('fluent_signal', uint(0)),
        kv('unknown', array([nil(), nil()])),
      ])
      const bytes = forward('t', [entry(uint(T), record({}))], option)
      const o = fut.frame(bytes).messages[0].options
      expect(o).toEqual({ present: true, invalid: false, size: 1, chunk: o.chunk, compressed: Compressed.TEXT, fluentSignal: 0 })
      expect(slice(bytes, o.chunk!)).toEqual(str('Q'))
    })

    it('a map value for chunk keeps its whole nested encoding', () => {
      const value = cat(Uint8Array.of(0xde, 0, 1), str('k'), array([uint(1), str('v')], 16))
      const { bytes, options } = optionsOf(map([kv('chunk', value)]))
      expect(slice(bytes, options.chunk!)).toEqual(value)
    })
  })
}
