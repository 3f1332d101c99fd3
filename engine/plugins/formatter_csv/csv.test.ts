/** @module formatter_csv, after Fluentd's test_formatter_csv.rb, plus Ruby CSV's quoting rules without force_quotes. */

import { describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { formatterCsv } from './index.ts'

const csv = (params: Record<string, string>) => formatterFrom({ '@type': 'csv', ...params })

describe('formatter_csv', () => {
  it('has a valid schema', () => expect(checkSchema(formatterCsv.schema)).toEqual([]))

  it('refuses empty fields', () => {
    expect(() => csv({ fields: '' })).toThrow('empty value is specified in fields parameter')
    expect(() => csv({ fields: ',' })).toThrow('empty value is specified in fields parameter')
    expect(() => formatterFrom({ '@type': 'csv' })).toThrow(/missing required param fields/)
  })

  it.each([
    ['\\t', '"a"\t"b"\n'],
    ['TAB', '"a"\t"b"\n'],
    ['|', '"a"|"b"\n'],
  ])('takes delimiter %s', (delimiter, expected) => {
    expect(formatOnce(csv({ fields: 'x,y', delimiter }), { x: 'a', y: 'b' })).toBe(expected)
  })

  it('formats fields, nested fields, without newline, without quotes', () => {
    const r = { message: 'awesome', message2: 'awesome2' }
    expect(formatOnce(csv({ fields: 'message,message2' }), r)).toBe('"awesome","awesome2"\n')
    expect(formatOnce(csv({ fields: 'message,$.nest.key' }), { message: 'awesome', nest: { key: 'awesome2' } })).toBe(
      '"awesome","awesome2"\n',
    )
    expect(formatOnce(csv({ fields: 'message,message2', add_newline: 'false' }), r)).toBe('"awesome","awesome2"')
    expect(formatOnce(csv({ fields: 'message,message2', force_quotes: 'false' }), r)).toBe('awesome,awesome2\n')
  })

  it.each([
    ['nil', { message: 'awesome', message2: null, message3: 'awesome3' }],
    ['blank', { message: 'awesome', message2: '', message3: 'awesome3' }],
  ])('writes "" for a %s field', (_name, r) => {
    expect(formatOnce(csv({ fields: 'message,message2,message3' }), r)).toBe('"awesome","","awesome3"\n')
  })

  it('strips spaces around field names and skips empty ones', () => {
    expect(formatOnce(csv({ fields: 'one , two , three' }), { one: 1, two: 2, three: 3 })).toBe('"1","2","3"\n')
    expect(formatOnce(csv({ fields: 'one,,two' }), { one: 1, two: 2 })).toBe('"1","2"\n')
  })

  it('quotes only what needs it without force_quotes (Ruby CSV)', () => {
    const r = { a: 'x', b: '', c: null, d: 1.5, e: 'q"t', f: 'a,b', g: ' lead', h: 'a\nb', i: [1, 'a'] }
    expect(formatOnce(csv({ fields: 'a,b,c,d,e,f,g,h,i,missing', force_quotes: 'false' }), r)).toBe(
      'x,"",,1.5,"q""t","a,b", lead,"a\nb","[1, ""a""]",\n',
    )
  })
})
