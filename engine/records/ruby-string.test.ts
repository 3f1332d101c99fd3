/**
 * @module Ruby's to_s / inspect as sluice reproduces them (outputs checked against Ruby 3.4's), and
 * the record_accessor parser's syntax table and error messages.
 */

import { describe, expect, it } from 'vitest'
import { parseRecordAccessor, dig, deletePath } from './record-accessor.ts'
import { rubyFloatToS, rubyInspect, rubyToS } from './ruby-string.ts'

describe('rubyFloatToS', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [100, '100.0'],
    [1e15, '1.0e+15'], // checked with Ruby 3.1: integral values switch to the exponent form at 1e15
    [1.5e15, '1.5e+15'],
    [999999999999999.9, '999999999999999.9'],
    [1000000000000000.5, '1000000000000000.5'],
    [1234567890123456.8, '1234567890123456.8'],
    [123456789012345.0, '123456789012345.0'],
    [1e16, '1.0e+16'],
    [1.5e16, '1.5e+16'],
    [123456789.123, '123456789.123'],
    [0.0001, '0.0001'],
    [0.00001, '1.0e-05'],
    [1.234e-7, '1.234e-07'],
    [1e100, '1.0e+100'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    // biome-ignore lint/correctness/noPrecisionLoss: the rounding is what is tested
    [9007199254740993, '9.007199254740992e+15'],
  ])('%s → %s', (x, expected) => {
    expect(rubyFloatToS(x)).toBe(expected)
  })
})

describe('rubyToS / rubyInspect', () => {
  it.each([
    [null, ''],
    ['s', 's'],
    [12, '12'],
    [1.5, '1.5'],
    [12n, '12'],
    [true, 'true'],
    [['a', 1, null, 1.5], '["a", 1, nil, 1.5]'],
    [{ a: { b: [] } }, '{"a" => {"b" => []}}'],
    [{}, '{}'],
    [
      ['q"uote', 'back\\slash', 'new\nline', 'tab\t', '#{x}', '\x01'],
      '["q\\"uote", "back\\\\slash", "new\\nline", "tab\\t", "\\#{x}", "\\u0001"]',
    ],
    [[Uint8Array.of(0x61, 0xff)], '["a\\xFF"]'],
  ])('case %#', (value, expected) => {
    expect(rubyToS(value)).toBe(expected)
  })

  it('inspects nil as nil', () => {
    expect(rubyInspect(null)).toBe('nil')
  })
})

describe('parseRecordAccessor', () => {
  it.each([
    ['message', ['message']],
    ['a.b', ['a.b']],
    ['$.a', ['a']],
    ['$.a.b', ['a', 'b']],
    ['$.a[0]', ['a', 0]],
    ['$.a[0][-1].b', ['a', 0, -1, 'b']],
    ['$.[1]', [1]],
    ["$['a']", ['a']],
    ["$['a b']['c']", ['a b', 'c']],
    ['$["a"][2]', ['a', 2]],
    ["$['a'][0]['b.c']", ['a', 0, 'b.c']],
  ])('%s', (param, path) => {
    expect(parseRecordAccessor(param).path).toEqual(path)
  })

  it.each([
    ['$.', 'empty keys in dot notation'],
    ['$.a b', 'whitespace character is not allowed in dot notation'],
    ['$.a[0', "'[' found but ']' not found"],
    ['$.a[0]x', "found more characters after ']'"],
    ['$.a[]', "missing array index in '[]'"],
    ['$[\'a"]', 'Mismatched quotes'],
    ["$['a", 'Incomplete bracket'],
    ['$[x]', 'invalid value for Integer()'],
  ])('rejects %s', (param, message) => {
    expect(() => parseRecordAccessor(param)).toThrow(message)
  })

  it('digs and deletes along paths', () => {
    const record = { a: { b: [1, { c: 2 }] }, s: 'x' }
    expect(dig(record, ['a', 'b', -1, 'c'])).toBe(2)
    expect(dig(record, ['s', 'x'])).toBeUndefined()
    deletePath(record, ['a', 'b', 0])
    deletePath(record, ['missing', 'x'])
    deletePath(record, ['s'])
    expect(record).toEqual({ a: { b: [{ c: 2 }] } })
  })
})
