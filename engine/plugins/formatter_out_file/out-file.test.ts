/**
 * @module formatter_out_file, after Fluentd's test_formatter_out_file.rb: utc/localtime (and both
 * set is an error), newline, output_time / output_tag, the delimiter rule, time_type and time_format.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkSchema } from '../../config/schema.ts'
import { formatOnce, formatterFrom } from '../../../test/helpers/formatters.ts'
import { formatterOutFile } from './index.ts'

const record = { message: 'awesome' }
const json = '{"message":"awesome"}'
const T = { sec: 1469592510, nsec: 0 } // 2016-07-26 21:08:30 -0700
const outFile = (params: Record<string, string>) => formatterFrom({ '@type': 'out_file', ...params })

let savedTz: string | undefined
beforeAll(() => {
  savedTz = process.env.TZ
  process.env.TZ = 'UTC+07' // POSIX: 7 hours west, as Fluentd's test
})
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ
  else process.env.TZ = savedTz
})

describe('formatter_out_file', () => {
  it('has a valid schema', () => expect(checkSchema(formatterOutFile.schema)).toEqual([]))

  it.each(['true', 'false'])('refuses utc and localtime both %s', (value) => {
    expect(() => outFile({ utc: value, localtime: value })).toThrow('both of utc and localtime are specified, use only one of them')
  })

  it.each([
    ['localtime', 'true', '2016-07-26T21:08:30-07:00'],
    ['utc', 'false', '2016-07-26T21:08:30-07:00'],
    ['localtime', 'false', '2016-07-27T04:08:30Z'],
    ['utc', 'true', '2016-07-27T04:08:30Z'],
  ])('%s %s writes %s', (key, value, time) => {
    expect(formatOnce(outFile({ [key]: value }), record, 'test', T)).toBe(`${time}\ttest\t${json}\n`)
  })

  it.each([
    ['lf', '\n'],
    ['crlf', '\r\n'],
  ])('leaves out the time, the tag or both (newline %s)', (newline, end) => {
    expect(formatOnce(outFile({ utc: 'true', newline }), record, 'tag', T)).toBe(`2016-07-27T04:08:30Z\ttag\t${json}${end}`)
    expect(formatOnce(outFile({ utc: 'true', output_time: 'false', newline }), record, 'tag', T)).toBe(`tag\t${json}${end}`)
    expect(formatOnce(outFile({ utc: 'true', output_tag: 'false', newline }), record, 'tag', T)).toBe(`2016-07-27T04:08:30Z\t${json}${end}`)
    expect(formatOnce(outFile({ output_tag: 'false', output_time: 'false', newline }), record, 'tag', T)).toBe(`${json}${end}`)
  })

  it('reads the delimiter as Fluentd: SPACE, COMMA anywhere in any case, else TAB', () => {
    const line = (delimiter: string) => formatOnce(outFile({ utc: 'true', delimiter }), record, 't', T)
    expect(line('SPACE')).toBe(`2016-07-27T04:08:30Z t ${json}\n`)
    expect(line('my_space')).toBe(`2016-07-27T04:08:30Z t ${json}\n`)
    expect(line('comma')).toBe(`2016-07-27T04:08:30Z,t,${json}\n`)
    expect(line(';')).toBe(`2016-07-27T04:08:30Z\tt\t${json}\n`)
  })

  it('writes time_type unixtime and float (all nine digits), and time_format in the zone', () => {
    const t = { sec: 1469592510, nsec: 123456 }
    expect(formatOnce(outFile({ time_type: 'unixtime' }), record, 't', t)).toBe(`1469592510\tt\t${json}\n`)
    expect(formatOnce(outFile({ time_type: 'float' }), record, 't', t)).toBe(`1469592510.000123456\tt\t${json}\n`)
    expect(formatOnce(outFile({ time_format: '%Y%m%d %H:%M:%S.%6N %z', timezone: '+09:00' }), record, 't', t)).toBe(
      `20160727 13:08:30.000123 +0900\tt\t${json}\n`,
    )
    expect(() => outFile({ timezone: 'UTC' })).toThrow("Unsupported timezone 'UTC'")
  })
})
