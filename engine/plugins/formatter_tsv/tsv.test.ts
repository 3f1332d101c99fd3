/** @module formatter_tsv, after Fluentd's test_formatter_tsv.rb. */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { formatterTsv } from './index.ts'

const record = { message: 'awesome', greeting: 'hello' }

describe('formatter_tsv', () => {
  it('has a valid schema', () => expect(checkSchema(formatterTsv.schema)).toEqual([]))

  it.each([
    ['lf', '\n'],
    ['crlf', '\r\n'],
  ])('joins the keys with a tab, newline %s', (newline, end) => {
    expect(formatOnce(formatterFrom({ '@type': 'tsv', keys: 'message,greeting', newline }), record)).toBe(`awesome\thello${end}`)
  })

  it('takes a delimiter and add_newline false; missing keys are empty, values use to_s', () => {
    expect(formatOnce(formatterFrom({ '@type': 'tsv', keys: 'message,greeting', add_newline: 'false' }), record)).toBe('awesome\thello')
    expect(formatOnce(formatterFrom({ '@type': 'tsv', keys: 'message,greeting', delimiter: ',' }), record)).toBe('awesome,hello\n')
    expect(formatOnce(formatterFrom({ '@type': 'tsv', keys: 'a,missing,b,c' }), { a: null, b: { k: true }, c: 2.5 })).toBe(
      '\t\t{"k"=>true}\t2.5\n',
    )
  })
})
