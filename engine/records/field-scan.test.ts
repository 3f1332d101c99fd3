/**
 * @module The msgpack field scanner on every header width: skipObject lands exactly at the end,
 * findKey / findIndex / findPath find values (str and bin keys, duplicates, wide maps), valueToS
 * gives Ruby's to_s, and the text decoder's ASCII fast path agrees with TextDecoder.
 */

import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import { encode as msgpackEncode } from '@msgpack/msgpack'
import {
  array,
  bin,
  bool,
  cat,
  eventTime,
  ext,
  float32,
  float64,
  int,
  map,
  mapHeader,
  nil,
  str,
  timestamp,
  uint,
} from '../../test/helpers/msgpack-build.ts'
import { decodeText, encodePath, findIndex, findKey, findPath, mapKeys, skipObject, stringAt } from './field-scan.ts'
import { parseRecordAccessor } from './record-accessor.ts'
import { valueToS } from './value-to-s.ts'

const te = new TextEncoder()

describe('skipObject', () => {
  const objects: [string, Uint8Array][] = [
    ['nil', nil()],
    ['true', bool(true)],
    ['fixint', uint(5, 'fix')],
    ['negative fixint', int(-3, 'fix')],
    ['uint8', uint(200, 8)],
    ['uint16', uint(60000, 16)],
    ['uint32', uint(4e9, 32)],
    ['uint64', uint(2n ** 63n, 64)],
    ['int8', int(-100, 8)],
    ['int16', int(-30000, 16)],
    ['int32', int(-2e9, 32)],
    ['int64', int(-(2n ** 62n), 64)],
    ['float32', float32(1.5)],
    ['float64', float64(0.1)],
    ['fixstr', str('abc', 'fix')],
    ['str8', str('abc', 8)],
    ['str16', str('x'.repeat(300), 16)],
    ['str32', str('abc', 32)],
    ['bin8', bin('ab', 8)],
    ['bin16', bin('ab', 16)],
    ['bin32', bin('ab', 32)],
    ['fixext1', ext(5, Uint8Array.of(1), 'fix')],
    ['fixext2', ext(5, Uint8Array.of(1, 2), 'fix')],
    ['fixext4', timestamp(1, 0, 32)],
    ['fixext8', eventTime(1, 2)],
    ['fixext16', ext(7, new Uint8Array(16), 'fix')],
    ['ext8', eventTime(1, 2, 8)],
    ['ext16', ext(3, new Uint8Array(5), 16)],
    ['ext32', ext(3, new Uint8Array(5), 32)],
    ['fixarray', array([uint(1), str('a')])],
    ['array16', array([uint(1), nil()], 16)],
    ['array32', array([map([[str('k'), nil()]])], 32)],
    ['fixmap', map([[str('a'), array([uint(1)])]])],
    ['map16', map([[str('a'), uint(1)]], 16)],
    ['map32', map([[uint(1), str('v')]], 32)],
  ]
  it.each(objects)('lands at the end of %s', (_name, bytes) => {
    const padded = cat(Uint8Array.of(0xc0), bytes, Uint8Array.of(0xc3))
    expect(skipObject(padded, 1)).toBe(1 + bytes.length)
  })

  it('skips any value @msgpack/msgpack encodes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const bytes = msgpackEncode(value)
        expect(skipObject(bytes, 0)).toBe(bytes.length)
      }),
      { numRuns: 300 },
    )
  })

  it('throws on 0xc1', () => {
    expect(() => skipObject(Uint8Array.of(0xc1), 0)).toThrow(RangeError)
  })
})

describe('findKey / findIndex / findPath', () => {
  it('finds str keys of every width and bin keys', () => {
    for (const width of ['fix', 8, 16, 32] as const) {
      const record = map([
        [str('a'), uint(1)],
        [str('level', width), str('WARN')],
        [str('z'), nil()],
      ])
      expect(stringAt(record, findKey(record, 0, te.encode('level')))).toBe('WARN')
    }
    const binKeyed = map([[bin('level'), str('INFO')]])
    expect(stringAt(binKeyed, findKey(binKeyed, 0, te.encode('level')))).toBe('INFO')
  })

  it('skips non-string keys and prefixes, and returns -1 for missing keys and non-maps', () => {
    const record = map([
      [uint(1), str('one')],
      [str('lev'), str('x')],
      [str('levels'), str('y')],
    ])
    expect(findKey(record, 0, te.encode('level'))).toBe(-1)
    expect(findKey(str('level'), 0, te.encode('level'))).toBe(-1)
    expect(findKey(map([]), 0, te.encode('level'))).toBe(-1)
  })

  it('takes the last duplicate and works in map16/map32 headers', () => {
    const pairs: [Uint8Array, Uint8Array][] = [
      [str('k'), str('first')],
      [str('pad'), array([uint(1), uint(2)])],
      [str('k'), str('last')],
    ]
    for (const width of ['fix', 16, 32] as const) {
      const record = map(pairs, width)
      expect(stringAt(record, findKey(record, 0, te.encode('k')))).toBe('last')
    }
    expect(mapKeys(map(pairs), 0)).toEqual(['k', 'pad', 'k'])
    expect(mapHeader(3)).toEqual(Uint8Array.of(0x83))
  })

  it('indexes arrays from either end', () => {
    const list = array([str('a'), map([[str('x'), uint(1)]]), str('c')], 16)
    expect(stringAt(list, findIndex(list, 0, 0))).toBe('a')
    expect(stringAt(list, findIndex(list, 0, -1))).toBe('c')
    expect(findIndex(list, 0, 3)).toBe(-1)
    expect(findIndex(list, 0, -4)).toBe(-1)
  })

  it('follows record_accessor paths and stops at scalars', () => {
    const record = map([[str('a'), map([[str('b c'), array([uint(7), str('deep')])]])]])
    const path = (p: string) => encodePath(parseRecordAccessor(p).path)
    expect(stringAt(record, findPath(record, 0, path("$['a']['b c'][1]")))).toBe('deep')
    expect(valueToS(record, findPath(record, 0, path("$['a']['b c'][0]")))).toBe('7')
    expect(() => path("$.a['b c']")).toThrow('invalid value for Integer()') // as in Fluentd: dot notation takes indexes only
    expect(findPath(record, 0, path('$.a.x'))).toBe(-1)
    expect(findPath(record, 0, path("$['a']['b c'][1]['z']"))).toBe(-1)
  })
})

describe('valueToS', () => {
  it.each([
    ['nil', nil(), ''],
    ['true', bool(true), 'true'],
    ['false', bool(false), 'false'],
    ['fixint', uint(7, 'fix'), '7'],
    ['negative fixint', int(-1, 'fix'), '-1'],
    ['uint8', uint(255, 8), '255'],
    ['uint16', uint(65535, 16), '65535'],
    ['uint32', uint(4294967295, 32), '4294967295'],
    ['uint64', uint(18446744073709551615n, 64), '18446744073709551615'],
    ['int8', int(-128, 8), '-128'],
    ['int16', int(-32768, 16), '-32768'],
    ['int32', int(-2147483648, 32), '-2147483648'],
    ['int64', int(-9223372036854775808n, 64), '-9223372036854775808'],
    ['float64 integer', float64(1), '1.0'],
    ['float64', float64(0.1), '0.1'],
    ['float32', float32(0.1), '0.10000000149011612'],
    ['str', str('héllo', 16), 'héllo'],
    ['bin', bin('abc', 8), 'abc'],
    ['array', array([str('0'), uint(1), nil()]), '["0", 1, nil]'],
    ['map', map([[str('0'), str('0')]]), '{"0" => "0"}'],
    ['EventTime', eventTime(1441588984, 5), '1441588984'],
  ])('%s', (_name, bytes, expected) => {
    expect(valueToS(bytes, 0)).toBe(expected)
  })

  it('is "" for a missing value', () => {
    expect(valueToS(nil(), -1)).toBe('')
  })
})

describe('decodeText', () => {
  it('agrees with TextDecoder on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        const bytes = te.encode(s)
        expect(decodeText(bytes, 0, bytes.length)).toBe(s)
      }),
      { numRuns: 300 },
    )
  })

  it('decodes ASCII at an offset and invalid UTF-8 with replacement characters', () => {
    const bytes = cat(Uint8Array.of(1, 2), te.encode('hello'), Uint8Array.of(0xff))
    expect(decodeText(bytes, 2, 5)).toBe('hello')
    expect(decodeText(bytes, 2, 6)).toBe('hello\uFFFD')
  })
})
