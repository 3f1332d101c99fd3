/** @module parser_tsv: cases derived from Fluentd's test_parser_tsv.rb. */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { NOW, parseWith, utc } from '../../parser/testing.ts'

describe('parser_tsv', () => {
  it('zips values with keys and reads the time key', () => {
    for (const keys of ['["time","a","b"]', 'time,a,b']) {
      const out = parseWith(
        `@type tsv\nkeys ${keys}\ntime_key time\ntime_format %Y/%m/%d %H:%M:%S\nutc true`,
        '2013/02/28 12:00:00\t192.168.0.1\t111',
      )
      expect(out.records[0]).toMatchObject({ time: new EventTime(utc(2013, 2, 28, 12)), record: { a: '192.168.0.1', b: '111' } })
    }
    expect(parseWith('@type tsv\nkeys a,b\ndelimiter ,', 'x,y').records[0].record).toEqual({ a: 'x', b: 'y' })
  })

  it('uses now without a time', () => {
    expect(parseWith('@type tsv\nkeys a,b', '192.168.0.1\t111').records[0]).toMatchObject({
      time: NOW,
      record: { a: '192.168.0.1', b: '111' },
    })
    expect(parseWith('@type tsv\nkeys a,b\ntime_key time\nestimate_current_event no', '192.168.0.1\t111').returned).toBe(0)
  })

  it.each([
    ['\t@\t@', { 1: '', 2: '@', 3: '@' }],
    ['@\t\t@', { 1: '@', 2: '', 3: '@' }],
    ['@\t@\t', { 1: '@', 2: '@', 3: '' }],
    ['@\t\t', { 1: '@', 2: '', 3: '' }],
    ['\t\t@', { 1: '', 2: '', 3: '@' }],
    ['\t\t', { 1: '', 2: '', 3: '' }],
    ['a', { 1: 'a', 2: null, 3: null }],
    ['a\tb\tc\td', { 1: 'a', 2: 'b', 3: 'c\td' }],
  ])('keeps blank columns: %j', (line, expected) => {
    expect(parseWith('@type tsv\nkeys 1,2,3', line).records[0].record).toEqual(expected)
  })

  it('keeps the time key and applies the null patterns', () => {
    const kept = parseWith(
      '@type tsv\nkeys time\ntime_key time\ntime_format %d/%b/%Y:%H:%M:%S %z\nkeep_time_key true',
      '28/Feb/2013:12:00:00 +0900',
    )
    expect(kept.records[0].record).toEqual({ time: '28/Feb/2013:12:00:00 +0900' })
    const nulls = parseWith('@type tsv\nkeys a,b,c,d,e,f\nnull_value_pattern ^(-|null|NULL)$', '-\tnull\tNULL\t\t--\tnuLL')
    expect(nulls.records[0].record).toEqual({ a: null, b: null, c: null, d: '', e: '--', f: 'nuLL' })
    expect(parseWith('@type tsv\nkeys a,b\nnull_empty_string true', '\t ').records[0].record).toEqual({ a: null, b: ' ' })
  })
})
