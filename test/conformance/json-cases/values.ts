/**
 * @module JSON value cases (docs/core-abi.md §4.1): the msgpack bytes of numbers (every integer
 * form and its boundaries, floats and their hard cases), strings (escapes, surrogates, raw and
 * invalid UTF-8), containers (header sizes, duplicate keys), whitespace, the BOM, error offsets
 * and the depth limit — as hand-written bytes.
 */
import { describe, expect, it } from 'vitest'
import { decode } from '@msgpack/msgpack'
import { hex, mapKeys, type JsonUnderTest } from './context.ts'

const OK = 0
const INVALID = 3
const TOO_DEEP = 6

export function valueCases(t: JsonUnderTest): void {
  const bytes = (text: string | Uint8Array) => {
    const o = t.value(text)
    expect(o.status, `status of ${String(text)}`).toBe(OK)
    return hex(o.bytes)
  }
  const error = (text: string | Uint8Array, maxDepth?: number) => {
    const o = t.value(text, maxDepth)
    return [o.status, o.errorOffset]
  }

  describe('numbers', () => {
    it('integers take the smallest msgpack form at every boundary', () => {
      const table: [string, string][] = [
        ['0', '00'],
        ['127', '7f'],
        ['128', 'cc 80'],
        ['255', 'cc ff'],
        ['256', 'cd 01 00'],
        ['65535', 'cd ff ff'],
        ['65536', 'ce 00 01 00 00'],
        ['4294967295', 'ce ff ff ff ff'],
        ['4294967296', 'cf 00 00 00 01 00 00 00 00'],
        ['18446744073709551615', 'cf ff ff ff ff ff ff ff ff'],
        ['-1', 'ff'],
        ['-32', 'e0'],
        ['-33', 'd0 df'],
        ['-128', 'd0 80'],
        ['-129', 'd1 ff 7f'],
        ['-32768', 'd1 80 00'],
        ['-32769', 'd2 ff ff 7f ff'],
        ['-2147483648', 'd2 80 00 00 00'],
        ['-2147483649', 'd3 ff ff ff ff 7f ff ff ff'],
        ['-9223372036854775808', 'd3 80 00 00 00 00 00 00 00'],
        // -0 is the integer 0 (Ruby: 0; @msgpack/msgpack: 0)
        ['-0', '00'],
        // 2^53 + 1 stays exact (JSON.parse would round it)
        ['9007199254740993', 'cf 00 20 00 00 00 00 00 01'],
      ]
      for (const [text, expected] of table) expect(bytes(text), text).toBe(expected)
    })

    it('beyond the 64-bit range an integer is the rounded float64', () => {
      expect(bytes('18446744073709551616')).toBe('cb 43 f0 00 00 00 00 00 00')
      expect(bytes('-9223372036854775809')).toBe('cb c3 e0 00 00 00 00 00 00')
      expect(bytes('123456789012345678901234567890')).toBe(hex(float(Number('123456789012345678901234567890'))))
    })

    it('a fraction or an exponent makes a float64, even for integral values (as Ruby reads them)', () => {
      expect(bytes('1.0')).toBe('cb 3f f0 00 00 00 00 00 00')
      expect(bytes('1e2')).toBe('cb 40 59 00 00 00 00 00 00')
      expect(bytes('1E+2')).toBe('cb 40 59 00 00 00 00 00 00')
      expect(bytes('-0.0')).toBe('cb 80 00 00 00 00 00 00 00')
      expect(bytes('0.5')).toBe('cb 3f e0 00 00 00 00 00 00')
      expect(bytes('1e400')).toBe('cb 7f f0 00 00 00 00 00 00')
      expect(bytes('-1e400')).toBe('cb ff f0 00 00 00 00 00 00')
      expect(bytes('1e-400')).toBe('cb 00 00 00 00 00 00 00 00')
    })

    it('floats are correctly rounded (the same double as JSON.parse) on hard inputs', () => {
      const hard = [
        '0.1',
        '0.30000000000000004',
        '2.2250738585072011e-308',
        '2.2250738585072012e-308',
        '4.9406564584124654e-324',
        '2.4703282292062327e-324',
        '2.4703282292062328e-324',
        '1.7976931348623157e308',
        '1.7976931348623158e308',
        '1.7976931348623159e308',
        '9007199254740993.0',
        '9007199254740992.5',
        '1e23',
        '8.98846567431158e307',
        '7.0420557077594588669468784357561207962098443483187940792729600000e+59',
        `0.${'0'.repeat(300)}1e300`,
        `1${'0'.repeat(400)}e-400`,
        // a halfway case decided only by a digit far beyond the 19th
        `9007199254740993.${'0'.repeat(30)}1`,
        `9007199254740993.${'0'.repeat(30)}`,
      ]
      for (const text of hard) expect(bytes(text), text).toBe(hex(float(JSON.parse(text))))
    })

    it('refuses malformed numbers at the first byte that cannot continue them', () => {
      expect(error('-')).toEqual([INVALID, 1])
      expect(error('-x')).toEqual([INVALID, 1])
      expect(error('01')).toEqual([INVALID, 1])
      expect(error('1.')).toEqual([INVALID, 2])
      expect(error('1.e5')).toEqual([INVALID, 2])
      expect(error('1e')).toEqual([INVALID, 2])
      expect(error('1e+')).toEqual([INVALID, 3])
      expect(error('.5')).toEqual([INVALID, 0])
      expect(error('+1')).toEqual([INVALID, 0])
      expect(error('0x10')).toEqual([INVALID, 1])
      expect(error('NaN')).toEqual([INVALID, 0])
      expect(error('Infinity')).toEqual([INVALID, 0])
      expect(error('1 2')).toEqual([INVALID, 2])
    })
  })

  describe('strings', () => {
    it('decodes every escape; \\u to UTF-8; surrogate pairs to one code point', () => {
      expect(bytes('"\\"\\\\\\/\\b\\f\\n\\r\\t"')).toBe('a8 22 5c 2f 08 0c 0a 0d 09')
      expect(bytes('"\\u0041\\u00e9\\u20AC\\uD83D\\uDE00"')).toBe('aa 41 c3 a9 e2 82 ac f0 9f 98 80')
      expect(bytes('"\\u0000"')).toBe('a1 00')
    })

    it('a lone surrogate becomes U+FFFD, as TextEncoder writes it', () => {
      expect(bytes('"\\ud800"')).toBe('a3 ef bf bd')
      expect(bytes('"\\udc00x"')).toBe('a4 ef bf bd 78')
      expect(bytes('"\\ud800\\ud800\\udc00"')).toBe('a7 ef bf bd f0 90 80 80')
      expect(bytes('"\\ud800\\n\\udc00"')).toBe('a7 ef bf bd 0a ef bf bd')
      expect(bytes('"\\ud83d"')).toBe(hex(Uint8Array.of(0xa3, ...enc('\ud83d'))))
    })

    it('keeps raw bytes as they are, invalid UTF-8 included (Fluentd keeps raw bytes)', () => {
      const raw = Uint8Array.of(0x22, 0x61, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xe2, 0x82, 0xac, 0x22)
      expect(bytes(raw)).toBe('aa 61 ff c3 28 ed a0 80 e2 82 ac')
      expect(bytes('"日本語"')).toBe(hex(Uint8Array.of(0xa9, ...enc('日本語'))))
      expect(bytes(Uint8Array.of(0x22, 0x7f, 0x22))).toBe('a1 7f')
    })

    it('takes the smallest header, also when escapes shrink the payload', () => {
      expect(bytes(`"${'a'.repeat(31)}"`).slice(0, 2)).toBe('bf')
      expect(bytes(`"${'a'.repeat(32)}"`).slice(0, 5)).toBe('d9 20')
      expect(bytes(`"${'a'.repeat(256)}"`).slice(0, 8)).toBe('da 01 00')
      expect(bytes(`"${'a'.repeat(65536)}"`).slice(0, 14)).toBe('db 00 01 00 00')
      // 31 decoded bytes from 36 raw ones: fixstr, not str8
      expect(bytes(`"${'a'.repeat(30)}\\u00e9"`.replace('a\\u00e9', '\\u00e9'))).toMatch(/^bf /)
      expect(bytes(`"${'\\n'.repeat(40)}"`).slice(0, 5)).toBe('d9 28')
      expect(bytes(`"${'\\u0041'.repeat(20)}"`).slice(0, 2)).toBe('b4')
    })

    it('refuses control bytes, bad escapes and unterminated strings where they are', () => {
      expect(error('"a\nb"')).toEqual([INVALID, 2])
      expect(error('"a\tb"')).toEqual([INVALID, 2])
      expect(error(Uint8Array.of(0x22, 0x00, 0x22))).toEqual([INVALID, 1])
      expect(error('"\\x"')).toEqual([INVALID, 2])
      expect(error('"\\u12G4"')).toEqual([INVALID, 5])
      expect(error('"\\u12"')).toEqual([INVALID, 5])
      expect(error('"\\u12')).toEqual([INVALID, 5])
      expect(error('"\\ud800\\u12x4"')).toEqual([INVALID, 11])
      expect(error('"abc')).toEqual([INVALID, 4])
      expect(error('"abc\\')).toEqual([INVALID, 5])
      expect(error("'a'")).toEqual([INVALID, 0])
    })
  })

  describe('containers', () => {
    it('maps and arrays, nested, with the smallest headers', () => {
      expect(bytes('{"a":1,"b":[true,false,null],"c":{}}')).toBe('83 a1 61 01 a1 62 93 c3 c2 c0 a1 63 80')
      expect(bytes('[]')).toBe('90')
      expect(bytes('[[[]]]')).toBe('91 91 90')
      const array = (n: number) => `[${Array(n).fill(0).join(',')}]`
      expect(bytes(array(15)).slice(0, 2)).toBe('9f')
      expect(bytes(array(16)).slice(0, 8)).toBe('dc 00 10')
      expect(bytes(array(65535)).slice(0, 8)).toBe('dc ff ff')
      expect(bytes(array(65536)).slice(0, 14)).toBe('dd 00 01 00 00')
      const object = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`
      expect(bytes(object(15)).slice(0, 2)).toBe('8f')
      expect(bytes(object(16)).slice(0, 8)).toBe('de 00 10')
      expect(bytes(object(70000)).slice(0, 14)).toBe('df 00 01 11 70')
      // a grown header inside a grown container
      const nested = `[${Array(20).fill(object(20)).join(',')}]`
      expect(decode(t.value(nested).bytes)).toEqual(JSON.parse(nested))
    })

    it('duplicate keys: the last value wins, at the first key position (Ruby Hash, JS object)', () => {
      expect(bytes('{"a":1,"b":2,"a":3}')).toBe('82 a1 61 03 a1 62 02')
      expect(bytes('{"a":{"x":1},"b":2,"a":[1,2,3]}')).toBe('82 a1 61 93 01 02 03 a1 62 02')
      expect(bytes('{"a":"long value here","b":2,"a":0}')).toBe('82 a1 61 00 a1 62 02')
      expect(bytes('{"a":1,"\\u0061":2}')).toBe('81 a1 61 02')
      // duplicates inside nested objects are their own
      expect(bytes('{"a":{"a":1,"a":2},"a":{"b":1,"b":2}}')).toBe('81 a1 61 81 a1 62 02')
      // a map that shrinks below 16 keys takes the short header
      const dup = `{${Array.from({ length: 20 }, (_, i) => `"k${i % 10}":${i}`).join(',')}}`
      const o = t.value(dup)
      expect(hex(o.bytes).slice(0, 2)).toBe('8a')
      expect(mapKeys(o.bytes)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`))
      expect(decode(o.bytes)).toEqual(JSON.parse(dup))
    })

    it('keeps key order as written (a JS object would move integer-like keys first)', () => {
      const o = t.value('{"b":1,"2":2,"a":3,"1":4}')
      expect(mapKeys(o.bytes)).toEqual(['b', '2', 'a', '1'])
    })

    it('refuses malformed containers where they break', () => {
      expect(error('[1,]')).toEqual([INVALID, 3])
      expect(error('[,1]')).toEqual([INVALID, 1])
      expect(error('[1 2]')).toEqual([INVALID, 3])
      expect(error('[1')).toEqual([INVALID, 2])
      expect(error('{"a":1,}')).toEqual([INVALID, 7])
      expect(error('{"a" 1}')).toEqual([INVALID, 5])
      expect(error('{a:1}')).toEqual([INVALID, 1])
      expect(error('{"a":}')).toEqual([INVALID, 5])
      expect(error('{"a":1]')).toEqual([INVALID, 6])
      expect(error('[1}')).toEqual([INVALID, 2])
      expect(error('{')).toEqual([INVALID, 1])
      expect(error('}')).toEqual([INVALID, 0])
    })

    it('nests up to maxDepth; one more bracket is TOO_DEEP at that bracket', () => {
      const deep = (n: number) => '['.repeat(n) + ']'.repeat(n)
      expect(t.value(deep(512)).status).toBe(OK)
      expect(error(deep(513))).toEqual([TOO_DEEP, 512])
      expect(error('{"a":{"b":[1]}}', 2)).toEqual([TOO_DEEP, 10])
      expect(error('{"a":{"b":[1]}}', 3)).toEqual([OK, -1])
      // a syntax error before the limit wins (text order)
      expect(error(`[x${deep(600)}]`)).toEqual([INVALID, 1])
      // far deeper than the limit: a clean status (the core is iterative: wasm.test.ts goes to 100,000)
      expect(error('['.repeat(20_000), 1000)).toEqual([TOO_DEEP, 1000])
    })
  })

  describe('literals, whitespace, framing', () => {
    it('reads true, false, null and refuses near misses', () => {
      expect(bytes('[true,false,null]')).toBe('93 c3 c2 c0')
      expect(error('tru')).toEqual([INVALID, 3])
      expect(error('trUe')).toEqual([INVALID, 2])
      expect(error('nul')).toEqual([INVALID, 3])
      expect(error('falsy')).toEqual([INVALID, 4])
      expect(error('True')).toEqual([INVALID, 0])
      expect(error('truex')).toEqual([INVALID, 4])
    })

    it("takes RFC 8259's whitespace only (space, tab, LF, CR) around and inside values", () => {
      expect(bytes(' \t\r\n[ 1 ,\n2\t] \r\n')).toBe('92 01 02')
      expect(error('\f1')).toEqual([INVALID, 0])
      expect(error('[1,\u00a02]')).toEqual([INVALID, 3])
      expect(error(Uint8Array.of(0x5b, 0x0b, 0x5d))).toEqual([INVALID, 1])
    })

    it('skips a UTF-8 byte order mark at the start only', () => {
      expect(bytes(Uint8Array.of(0xef, 0xbb, 0xbf, 0x31))).toBe('01')
      expect(error(Uint8Array.of(0x20, 0xef, 0xbb, 0xbf, 0x31))).toEqual([INVALID, 1])
    })

    it('one value only: empty text, blank text and trailing bytes are INVALID', () => {
      expect(error('')).toEqual([INVALID, 0])
      expect(error('   ')).toEqual([INVALID, 3])
      expect(error('{} {}')).toEqual([INVALID, 3])
      expect(error('1 x')).toEqual([INVALID, 2])
    })
  })
}

const enc = (s: string) => new TextEncoder().encode(s)

function float(x: number): Uint8Array {
  const b = new Uint8Array(9)
  b[0] = 0xcb
  new DataView(b.buffer).setFloat64(1, x)
  return b
}
