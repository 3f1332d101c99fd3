/** @module formatter_ltsv, after Fluentd's test_formatter_ltsv.rb, plus delimiters inside values and raw bytes. */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { bin, map, str } from '../../../test/helpers/msgpack-build.ts'
import { formatterLtsv } from './index.ts'

const record = { message: 'awesome', greeting: 'hello' }

describe('formatter_ltsv', () => {
  it('has a valid schema', () => expect(checkSchema(formatterLtsv.schema)).toEqual([]))

  it.each([
    ['lf', '\n'],
    ['crlf', '\r\n'],
  ])('writes label:value pairs with newline %s', (newline, end) => {
    expect(formatOnce(formatterFrom({ '@type': 'ltsv', newline }), record)).toBe(`message:awesome\tgreeting:hello${end}`)
  })

  it('leaves the newline out with add_newline false; takes custom delimiters', () => {
    expect(formatOnce(formatterFrom({ '@type': 'ltsv', add_newline: 'false' }), record)).toBe('message:awesome\tgreeting:hello')
    expect(formatOnce(formatterFrom({ '@type': 'ltsv', delimiter: ',', label_delimiter: '=' }), record)).toBe(
      'message=awesome,greeting=hello\n',
    )
  })

  it('replaces the delimiter inside values (not keys), writes values with to_s and raw bytes', () => {
    expect(formatOnce(formatterFrom({ '@type': 'ltsv' }), { 'k\tey': 'a\tb\t', n: 1.0e20, nested: { a: [1, null] } })).toBe(
      'k\tey:a b \tn:1.0e+20\tnested:{"a"=>[1, nil]}\n',
    )
    const raw = map([[str('b'), bin(Uint8Array.of(0xff, 0x09, 0x41))]])
    const out = formatOnce(formatterFrom({ '@type': 'ltsv', replacement: '_' }), raw)
    expect(Buffer.from(out).toString('hex')).toBe(Buffer.from('b:\uFFFD_A\n').toString('hex'))
  })
})
