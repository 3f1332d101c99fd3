/**
 * @module Tables of typed value parsing: what each Fluentd config type accepts, what it rejects
 * and the error it gives, including where sluice deliberately differs from Fluentd.
 */
import { describe, expect, it } from 'vitest'
import {
  parseArray,
  parseBool,
  parseEnum,
  parseFloatValue,
  parseHash,
  parseInteger,
  parseRegexp,
  parseSize,
  parseTime,
  parseTyped,
  type TypeResult,
} from './types.ts'

function value<T>(result: TypeResult<T>): T {
  if (!result.ok) throw new Error(`${result.reason}; hint: ${result.hint}`)
  return result.value
}

function error<T>(result: TypeResult<T>): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`)
  return `${result.reason}; hint: ${result.hint}`
}

describe('typed values', () => {
  describe('integer', () => {
    it.each([
      ['24224', 24224],
      ['-1', -1],
      ['+7', 7],
      [' 42 ', 42],
      ['1_000_000', 1000000],
    ])('reads %j as %d', (text, expected) => expect(value(parseInteger(text))).toBe(expected))
    it.each(['', '1.5', '12abc', '0x10', 'ten', '99999999999999999999'])('rejects %j', (text) => expect(parseInteger(text).ok).toBe(false))
    it('says what an integer looks like', () => {
      expect(error(parseInteger('12abc'))).toBe('invalid integer "12abc"; hint: e.g. 24224')
    })
  })

  describe('float', () => {
    it.each([
      ['0.5', 0.5],
      ['.5', 0.5],
      ['-2', -2],
      ['1e3', 1000],
      ['55.55', 55.55],
    ])('reads %j as %d', (text, expected) => expect(value(parseFloatValue(text))).toBe(expected))
    it.each(['', 'abc', '1.2.3', 'NaN', 'Infinity', '1,5'])('rejects %j', (text) => expect(parseFloatValue(text).ok).toBe(false))
  })

  describe('bool', () => {
    it.each([
      ['true', true],
      ['yes', true],
      ['', true],
      ['false', false],
      ['no', false],
      ['#comment', true], // Fluentd reads `flag #comment` as "#comment" and takes it as true
    ])('reads %j as %s', (text, expected) => expect(value(parseBool(text))).toBe(expected))
    it.each(['True', 'on', '1', 'y'])('rejects %j', (text) => {
      expect(error(parseBool(text))).toBe(`invalid bool ${JSON.stringify(text)}; hint: write true, false, yes or no (lowercase)`)
    })
  })

  describe('enum', () => {
    it('accepts a listed value and lists them on error', () => {
      expect(value(parseEnum('gzip', ['text', 'gzip']))).toBe('gzip')
      expect(error(parseEnum('zip', ['text', 'gzip']))).toBe('invalid value "zip"; hint: valid options are text, gzip')
    })
  })

  describe('size', () => {
    it.each([
      ['1024', 1024],
      ['0', 0],
      ['8k', 8192],
      ['8K', 8192],
      ['8m', 8 * 1024 ** 2],
      ['2M', 2 * 1024 ** 2],
      ['8MB', 8 * 1024 ** 2],
      ['8MiB', 8 * 1024 ** 2],
      ['4g', 4 * 1024 ** 3],
      ['1t', 1024 ** 4],
      ['512b', 512],
      ['1.5m', 1572864], // Fluentd: 5 MiB (unanchored regex); sluice: one and a half MiB
      ['1.5k', 1536], // Fluentd: 5 KiB
    ])('reads %j as %d bytes', (text, expected) => expect(value(parseSize(text))).toBe(expected))
    it.each(['', 'm', '-1k', '8 megs', '8x', '1..5m', 'k8'])('rejects %j', (text) => {
      expect(error(parseSize(text))).toBe(`invalid size ${JSON.stringify(text)}; hint: e.g. 8m (powers of 1024: k, m, g, t; plain = bytes)`)
    })
  })

  describe('time', () => {
    it.each([
      ['60', 60],
      ['0.1', 0.1],
      ['30s', 30],
      ['5m', 300],
      ['1h', 3600],
      ['1d', 86400],
      ['1.5m', 90], // Fluentd: 5 minutes (unanchored regex); sluice: 90 seconds
      ['-1', -1],
    ])('reads %j as %d seconds', (text, expected) => expect(value(parseTime(text))).toBe(expected))
    it.each([
      ['', 'invalid time ""; hint: e.g. 30s (units s, m, h, d; plain = seconds, e.g. 0.5)'],
      ['500ms', 'invalid time "500ms"; hint: milliseconds are written as fractions of a second, e.g. 0.5'],
      ['1H', 'invalid time "1H"; hint: time units are lowercase: s, m, h, d'],
      ['10 minutes', 'invalid time "10 minutes"; hint: e.g. 30s (units s, m, h, d; plain = seconds, e.g. 0.5)'],
      ['1w', 'invalid time "1w"; hint: e.g. 30s (units s, m, h, d; plain = seconds, e.g. 0.5)'],
    ])('rejects %j', (text, message) => expect(error(parseTime(text))).toBe(message))
  })

  describe('array', () => {
    it.each([
      ['a,b,c', ['a', 'b', 'c']],
      [' a , b ,c ', ['a', 'b', 'c']],
      ['a,b,,', ['a', 'b']], // Ruby's split drops trailing empty items
      [',a', ['', 'a']],
      ['', []],
      ['["a", 1, true]', ['a', 1, true]],
      ['[]', []],
    ])('reads %j', (text, expected) => expect(value(parseArray(text))).toEqual(expected))
    it('rejects JSON that is not an array', () => {
      expect(error(parseArray('[1,'))).toBe(
        'invalid array "[1,"; hint: a value starting with [ must be a JSON array, e.g. a,b,c or ["a","b"]',
      )
    })
  })

  describe('hash', () => {
    it.each([
      ['k1:v1,k2:v2', { k1: 'v1', k2: 'v2' }],
      ['k1:v1, k2:v2', { k1: 'v1', k2: 'v2' }],
      ['k1: v1', { k1: ' v1' }], // Fluentd keeps blanks around ':'
      ['url:http://x:80', { url: 'http://x:80' }],
      ['{"a": {"b": 1}}', { a: { b: 1 } }],
      ['', {}],
    ])('reads %j', (text, expected) => expect(value(parseHash(text))).toEqual(expected))
    it.each([
      ['k1', 'invalid hash "k1"; hint: each item is key:value; "k1" has no \':\''],
      ['{"a":', 'invalid hash "{\\"a\\":"; hint: a value starting with { must be a JSON object, e.g. k1:v1,k2:v2 or {"k1":"v1"}'],
    ])('rejects %j', (text, message) => expect(error(parseHash(text))).toBe(message))
  })

  describe('regexp', () => {
    it('reads /source/flags with Ruby meanings', () => {
      const r = value(parseRegexp('/^app\\.(?<name>\\w+)$/i'))
      expect({ source: r.source, flags: r.flags }).toEqual({ source: '^app\\.(?<name>\\w+)$', flags: 'i' })
      expect(r.regexp.exec('APP.web')?.groups?.name).toBe('web')
      expect(value(parseRegexp('/a.b/m')).regexp.test('a\nb')).toBe(true)
      expect(value(parseRegexp('/a.b/')).regexp.test('a\nb')).toBe(false)
    })

    it('reads a bare pattern and matches ^ and $ at line breaks as Ruby does', () => {
      const r = value(parseRegexp('^error$'))
      expect(r.flags).toBe('')
      expect(r.regexp.test('info\nerror\n')).toBe(true)
    })

    it('translates \\A, \\z and \\h', () => {
      const r = value(parseRegexp('\\A\\h+\\z')).regexp
      expect(r.test('00ff')).toBe(true)
      expect(r.test('x\n00ff')).toBe(false)
      expect(r.test('00fg')).toBe(false)
    })

    it.each([
      ['/abc/x', 'invalid regexp "/abc/x"; hint: unknown flags "x": the flags are i (ignore case) and m (. matches newlines)'],
      ['/', 'invalid regexp "/"; hint: a regexp that starts with / must end with / and optional flags, e.g. /^app\\./i'],
    ])('rejects %j', (text, message) => expect(error(parseRegexp(text))).toBe(message))

    it('reports what the compiler says about an invalid pattern', () => {
      expect(error(parseRegexp('/(unclosed/'))).toMatch(
        /^invalid regexp "\/\(unclosed\/": .+; hint: sluice compiles Ruby regexps as JavaScript ones/,
      )
    })
  })

  it('parseTyped dispatches on the type name', () => {
    expect(value(parseTyped('string', ' as is '))).toBe(' as is ')
    expect(value(parseTyped('time', '2m'))).toBe(120)
    expect(value(parseTyped('enum', 'b', ['a', 'b']))).toBe('b')
  })
})
