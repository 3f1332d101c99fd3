/** @module formatter_hash, after Fluentd's test_formatter_hash.rb (Ruby 3.2's Hash#inspect). */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { formatterHash } from './index.ts'

const record = { message: 'awesome', greeting: 'hello' }

describe('formatter_hash', () => {
  it('has a valid schema', () => expect(checkSchema(formatterHash.schema)).toEqual([]))

  it.each([
    ['lf', '\n'],
    ['crlf', '\r\n'],
  ])('writes the record as Ruby prints a Hash, newline %s', (newline, end) => {
    expect(formatOnce(formatterFrom({ '@type': 'hash', newline }), record)).toBe(`{"message"=>"awesome", "greeting"=>"hello"}${end}`)
  })

  it('takes add_newline false and inspects nested values', () => {
    expect(formatOnce(formatterFrom({ '@type': 'hash', add_newline: 'false' }), record)).toBe('{"message"=>"awesome", "greeting"=>"hello"}')
    expect(formatOnce(formatterFrom({ '@type': 'hash' }), { a: [1, 2.5, null, true], b: {}, 'q"#{x}': 'é\u0001\u2028' })).toBe(
      '{"a"=>[1, 2.5, nil, true], "b"=>{}, "q\\"\\#{x}"=>"é\\u0001\\u2028"}\n',
    )
  })
})
