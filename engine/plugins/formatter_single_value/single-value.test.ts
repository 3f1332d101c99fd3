/** @module formatter_single_value, after Fluentd's test_formatter_single_value.rb. */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { formatterSingleValue } from './index.ts'

describe('formatter_single_value', () => {
  it('has a valid schema', () => expect(checkSchema(formatterSingleValue.schema)).toEqual([]))

  it.each([
    ['lf', '\n'],
    ['crlf', '\r\n'],
  ])('writes the message, newline %s', (newline, end) => {
    expect(formatOnce(formatterFrom({ '@type': 'single_value', newline }), { message: 'awesome' })).toBe(`awesome${end}`)
    expect(formatOnce(formatterFrom({ '@type': 'single_value', message_key: 'foobar', newline }), { foobar: 'foo' })).toBe(`foo${end}`)
  })

  it('takes add_newline false; a missing key gives an empty line', () => {
    expect(formatOnce(formatterFrom({ '@type': 'single_value', add_newline: 'false' }), { message: 'awesome' })).toBe('awesome')
    expect(formatOnce(formatterFrom({ '@type': 'single_value' }), { other: 1 })).toBe('\n')
  })
})
