/**
 * @module The msgpack → JSON writer: exact outputs (Yajl's and Oj's forms: raw bytes, escapes,
 * Ruby floats, 64-bit integers, non-string and repeated keys), NaN refused, a property against
 * JSON.parse for any JSON value, and deep nesting without recursion. Fluentd's own bytes for the
 * same cases are checked in test/formats/fluentd-fixture.test.ts.
 */

import { encode } from '@msgpack/msgpack'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { array, bin, eventTime, ext, float32, float64, int, map, str, toHex, uint } from '../../test/helpers/msgpack-build.ts'
import { ByteBuffer } from './byte-buffer.ts'
import { type JsonLibrary, JsonFormatError, ojFloatText, writeJson } from './json.ts'

const json = (bytes: Uint8Array, library: JsonLibrary = 'yajl') => {
  const out = new ByteBuffer(8)
  expect(writeJson(out, bytes, 0, library)).toBe(bytes.length)
  return out.take()
}
const text = (bytes: Uint8Array, library: JsonLibrary = 'yajl') => new TextDecoder().decode(json(bytes, library))

describe('msgpack → JSON', () => {
  it.each([
    ['map and array', encode({ a: [1, 'x', null, true, false], b: {} }), '{"a":[1,"x",null,true,false],"b":{}}'],
    ['empty array', encode([]), '[]'],
    [
      'escapes (Yajl: uppercase hex)',
      str('q"b\\n\nt\tc\u0001\u001b/é😀\u007f\u2028'),
      '"q\\"b\\\\n\\nt\\tc\\u0001\\u001B/é😀\u007f\u2028"',
    ],
    ['uint64', uint(18446744073709551615n, 64), '18446744073709551615'],
    ['int64', int(-9223372036854775808n, 64), '-9223372036854775808'],
    ['int64 above 2^53', int(-(2n ** 53n) - 1n, 64), '-9007199254740993'],
    [
      'small ints',
      array([uint(0, 8), uint(65535, 16), uint(4294967295, 32), int(-1, 8), int(-32768, 16), int(-2147483648, 32)]),
      '[0,65535,4294967295,-1,-32768,-2147483648]',
    ],
    [
      'floats',
      array([float64(1), float64(0.1), float64(1e20), float32(0.5), float64(-0), float64(1e15), float64(1e-5)]),
      '[1.0,0.1,1.0e+20,0.5,-0.0,1.0e+15,1.0e-05]',
    ],
    ['bin as string', bin('hi\n', 8), '"hi\\n"'],
    ['EventTime', eventTime(1441588984, 5), '1441588984'],
    ['EventTime ext8', eventTime(1441588984, 5, 8), '1441588984'],
    ['other ext', ext(9, new Uint8Array([1, 2, 3])), 'null'],
    [
      'non-string keys as their Ruby to_s',
      map([
        [uint(1), str('a')],
        [float64(2), str('b')],
        [array([]), str('c')],
        [bin('k', 8), str('d')],
        [map([[str('x'), float64(1)]]), str('e')],
      ]),
      '{"1":"a","2.0":"b","[]":"c","k":"d","{\\"x\\"=>1.0}":"e"}',
    ],
    [
      'a repeated key: first place, last value',
      map([
        [str('a'), uint(1)],
        [str('b'), uint(2)],
        [bin('a'), uint(3)],
      ]),
      '{"a":3,"b":2}',
    ],
  ])('%s', (_name, bytes, expected) => {
    expect(text(bytes)).toBe(expected)
  })

  it('keeps invalid UTF-8 and bin bytes raw', () => {
    expect(
      toHex(
        json(
          map([
            [str('s'), str(Uint8Array.of(0x61, 0xff, 0x62))],
            [str('b'), bin(Uint8Array.of(0xc3, 0x28))],
          ]),
        ),
      ),
    ).toBe(toHex(new Uint8Array([...Buffer.from('{"s":"a'), 0xff, ...Buffer.from('b","b":"'), 0xc3, 0x28, ...Buffer.from('"}')])))
  })

  it("writes Oj's compat forms with the oj library", () => {
    expect(text(array([float64(-0), float64(1e16), float64(1.5e15), float64(9.2e18), float64(2 ** 63), float64(0.5)]), 'oj')).toBe(
      '[0.0,10000000000000000.0,1500000000000000.0,9200000000000000000.0,9.223372036854776e+18,0.5]',
    )
    expect(text(str('\u001b'), 'oj')).toBe('"\\u001b"')
    expect(ojFloatText(-(2 ** 63))).toBe('-9223372036854775808.0')
  })

  it('refuses NaN and Infinity with Yajl’s message, in both libraries', () => {
    for (const library of ['yajl', 'oj'] as const) {
      expect(() => json(float64(Number.NaN), library)).toThrow(new JsonFormatError("'NaN' is an invalid number"))
      expect(() => json(map([[str('x'), float64(-Infinity)]]), library)).toThrow("'-Infinity' is an invalid number")
    }
  })

  it('gives what JSON.parse reads back as the same value, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = JSON.parse(text(encode(value)))
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)))
      }),
      { numRuns: 300 },
    )
  })

  it('handles deeply nested values without recursion', () => {
    const depth = 200_000
    const bytes = new Uint8Array(depth + 1).fill(0x91)
    bytes[depth] = 0x01
    expect(text(bytes)).toBe(`${'['.repeat(depth)}1${']'.repeat(depth)}`)
    const maps = new Uint8Array(depth * 3 + 1)
    for (let i = 0; i < depth; i++) maps.set([0x81, 0xa1, 0x6b], i * 3)
    maps[depth * 3] = 0xc0
    expect(text(maps)).toBe(`${'{"k":'.repeat(depth)}null${'}'.repeat(depth)}`)
  })

  it('reads repeated keys in big maps too (hashed)', () => {
    const pairs = Array.from({ length: 40 }, (_, i) => [str(`k${i % 20}`), uint(i)] as const)
    const expected = `{${Array.from({ length: 20 }, (_, i) => `"k${i}":${i + 20}`).join(',')}}`
    expect(text(map(pairs))).toBe(expected)
  })
})
