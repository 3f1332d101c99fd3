/**
 * @module The msgpack → JSON transcoder: a table of exact outputs (Ruby's to_json forms), a
 * property against JSON.parse for any JSON value, and deep nesting without stack overflow.
 */

import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import { encode } from '@msgpack/msgpack'
import { array, bin, eventTime, ext, float32, float64, int, map, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { ByteSink, writeJson } from './json.ts'

const json = (bytes: Uint8Array) => {
  const out = new ByteSink(8)
  expect(writeJson(out, bytes, 0)).toBe(bytes.length)
  return new TextDecoder().decode(out.view())
}

describe('msgpack → JSON', () => {
  it.each([
    ['map and array', encode({ a: [1, 'x', null, true, false], b: {} }), '{"a":[1,"x",null,true,false],"b":{}}'],
    ['empty array', encode([]), '[]'],
    ['escapes', encode({ s: 'q"b\\n\nt\tc\u0001/é😀' }), '{"s":"q\\"b\\\\n\\nt\\tc\\u0001/é😀"}'],
    ['uint64', uint(18446744073709551615n, 64), '18446744073709551615'],
    ['int64', int(-9223372036854775808n, 64), '-9223372036854775808'],
    [
      'small ints',
      array([uint(0, 8), uint(65535, 16), uint(4294967295, 32), int(-1, 8), int(-32768, 16), int(-2147483648, 32)]),
      '[0,65535,4294967295,-1,-32768,-2147483648]',
    ],
    [
      'floats',
      array([float64(1), float64(0.1), float64(1e20), float32(0.5), float64(NaN), float64(Infinity)]),
      '[1.0,0.1,1.0e+20,0.5,null,null]',
    ],
    ['bin as string', bin('hi\n', 8), '"hi\\n"'],
    ['invalid UTF-8 replaced', str(new Uint8Array([0x61, 0xff, 0x62])), '"a\uFFFDb"'],
    ['EventTime', eventTime(1441588984, 5), '1441588984'],
    ['EventTime ext8', eventTime(1441588984, 5, 8), '1441588984'],
    ['other ext', ext(9, new Uint8Array([1, 2, 3])), 'null'],
    [
      'non-string keys',
      map([
        [uint(1), str('a')],
        [float64(2), str('b')],
        [array([]), str('c')],
        [bin('k', 8), str('d')],
      ]),
      '{"1":"a","2.0":"b","[]":"c","k":"d"}',
    ],
  ])('%s', (_name, bytes, expected) => {
    expect(json(bytes)).toBe(expected)
  })

  it('gives what JSON.parse reads back as the same value, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(json(encode(value)))).toEqual(JSON.parse(JSON.stringify(value)))
      }),
      { numRuns: 300 },
    )
  })

  it('handles deeply nested values without recursion', () => {
    const depth = 200_000
    const bytes = new Uint8Array(depth + 1).fill(0x91)
    bytes[depth] = 0x01
    expect(json(bytes)).toBe('['.repeat(depth) + '1' + ']'.repeat(depth))
  })
})
