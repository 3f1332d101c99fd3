/** @module formatter_json, after Fluentd's test_formatter_json.rb: lf/crlf, add_newline, oj and yajl. */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { float64, map, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { formatterJson } from './index.ts'

const record = { message: 'awesome' }

describe('formatter_json', () => {
  it('has a valid schema', () => expect(checkSchema(formatterJson.schema)).toEqual([]))

  it.each([
    ['oj', 'lf', '\n'],
    ['oj', 'crlf', '\r\n'],
    ['yajl', 'lf', '\n'],
    ['yajl', 'crlf', '\r\n'],
  ])('formats with json_parser %s, newline %s', (parser, newline, end) => {
    expect(formatOnce(formatterFrom({ '@type': 'json', json_parser: parser, newline }), record)).toBe(`{"message":"awesome"}${end}`)
  })

  it.each(['oj', 'yajl'])('leaves the newline out with add_newline false (%s)', (parser) => {
    expect(formatOnce(formatterFrom({ '@type': 'json', json_parser: parser, add_newline: 'false' }), record)).toBe('{"message":"awesome"}')
  })

  it('writes Oj numbers by default and Yajl numbers with json_parser yajl', () => {
    const r = map([
      [str('big'), float64(1e16)],
      [str('neg'), float64(-0)],
      [str('exact'), uint(2n ** 63n - 1n)],
    ])
    expect(formatOnce(formatterFrom({ '@type': 'json' }), r)).toBe('{"big":10000000000000000.0,"neg":0.0,"exact":9223372036854775807}\n')
    expect(formatOnce(formatterFrom({ '@type': 'json', json_parser: 'yajl' }), r)).toBe(
      '{"big":1.0e+16,"neg":-0.0,"exact":9223372036854775807}\n',
    )
  })

  it('refuses NaN (the event becomes an error event) and accepts time params it does not use', () => {
    expect(() => formatOnce(formatterFrom({ '@type': 'json' }), { x: Number.NaN })).toThrow("'NaN' is an invalid number")
    expect(formatOnce(formatterFrom({ '@type': 'json', time_format: '%Y', utc: 'true' }), record)).toBe('{"message":"awesome"}\n')
  })
})
