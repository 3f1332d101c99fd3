/** @module formatter_stdout: the local time, the tag, and the output_type formatter's output without its newline. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { formatterStdout } from './index.ts'

const T = { sec: 1441588984, nsec: 123456789 }

let savedTz: string | undefined
beforeAll(() => {
  savedTz = process.env.TZ
  process.env.TZ = 'Asia/Tokyo'
})
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ
  else process.env.TZ = savedTz
})

describe('formatter_stdout', () => {
  it('has a valid schema', () => expect(checkSchema(formatterStdout.schema)).toEqual([]))

  it('writes local time with nanoseconds, the tag and the json record', () => {
    expect(formatOnce(formatterFrom({ '@type': 'stdout' }), { k: 'v' }, 'app', T)).toBe(
      '2015-09-07 10:23:04.123456789 +0900 app: {"k":"v"}\n',
    )
  })

  it("passes its params to the output_type formatter and chomps that formatter's newline", () => {
    const ltsv = formatterFrom({ '@type': 'stdout', output_type: 'ltsv', label_delimiter: '=', newline: 'crlf' })
    expect(formatOnce(ltsv, { a: 1, b: 2 }, 'app', T)).toBe('2015-09-07 10:23:04.123456789 +0900 app: a=1\tb=2\n')
    const csv = formatterFrom({ '@type': 'stdout', output_type: 'csv', fields: 'b,a' })
    expect(formatOnce(csv, { a: 1, b: 2 }, 'app', T)).toBe('2015-09-07 10:23:04.123456789 +0900 app: "2","1"\n')
  })

  it('checks the output_type formatter and its params at config time', () => {
    expect(() => formatterFrom({ '@type': 'stdout', output_type: 'xml' })).toThrow(
      /output_type xml in <format> is not a formatter plugin sluice has/,
    )
    expect(() => formatterFrom({ '@type': 'stdout', output_type: 'csv' })).toThrow(/missing required param fields/)
    const warnings: string[] = []
    formatterFrom({ '@type': 'stdout', output_type: 'json', fields: 'a' }, warnings)
    expect(warnings.join()).toMatch(/parameter 'fields' in <format> is not used/)
    formatterFrom({ '@type': 'stdout', output_type: 'csv', fields: 'a' }, ((warnings.length = 0), warnings))
    expect(warnings).toEqual([])
  })

  it('honours a written time_format, utc or timezone', () => {
    expect(formatOnce(formatterFrom({ '@type': 'stdout', time_format: '%H:%M:%S' }), {}, 't', T)).toBe('10:23:04 t: {}\n')
    expect(formatOnce(formatterFrom({ '@type': 'stdout', utc: 'true' }), {}, 't', T)).toBe('2015-09-07 01:23:04.123456789 +0000 t: {}\n')
  })
})
