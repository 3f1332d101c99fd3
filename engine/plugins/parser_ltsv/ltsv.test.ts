/** @module parser_ltsv: cases derived from Fluentd's test_parser_labeled_tsv.rb. */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { NOW, parseWith, utc } from '../../parser/testing.ts'

describe('parser_ltsv', () => {
  it('reads pairs and the time field (guessed without time_format)', () => {
    const out = parseWith('@type ltsv\nutc false', 'time:2013/02/28 12:00:00\thost:192.168.0.1\treq_id:111')
    expect(out.records[0].record).toEqual({ host: '192.168.0.1', req_id: '111' })
    expect(out.records[0].time).toEqual(
      new EventTime(utc(2013, 2, 28, 12) + new Date(utc(2013, 2, 28, 12) * 1000).getTimezoneOffset() * 60),
    )
  })

  it('takes custom delimiters, time key and format', () => {
    const a = parseWith('@type ltsv\ndelimiter ,\nlabel_delimiter =', 'time=2013/02/28 12:00:00,host=192.168.0.1,req_id=111')
    expect(a.records[0].record).toEqual({ host: '192.168.0.1', req_id: '111' })
    const b = parseWith(
      '@type ltsv\ntime_key mytime\ntime_format %d/%b/%Y:%H:%M:%S %z',
      'mytime:28/Feb/2013:12:00:00 +0900\thost:192.168.0.1\treq_id:111',
    )
    expect(b.records[0]).toMatchObject({ time: new EventTime(utc(2013, 2, 28, 3)), record: { host: '192.168.0.1', req_id: '111' } })
  })

  it('uses now without a time, keeps it with keep_time_key', () => {
    expect(parseWith('@type ltsv', 'host:192.168.0.1\treq_id:111').records[0].time).toEqual(NOW)
    expect(parseWith('@type ltsv\nestimate_current_event no', 'host:192.168.0.1\treq_id:111').returned).toBe(0)
    const kept = parseWith('@type ltsv\ntime_format %d/%b/%Y:%H:%M:%S %z\nkeep_time_key true', 'time:28/Feb/2013:12:00:00 +0900')
    expect(kept.records[0].record).toEqual({ time: '28/Feb/2013:12:00:00 +0900' })
  })

  it('skips pairs without a label delimiter (a single-space delimiter splits on runs of spaces)', () => {
    const out = parseWith(
      '@type ltsv\ndelimiter " "\nlabel_delimiter =',
      'A leading portion that is not LTSV    :  foo=bar baz=derp and a trailing portion',
    )
    expect(out.records[0].record).toEqual({ foo: 'bar', baz: 'derp' })
  })

  it('splits at delimiter_pattern', () => {
    for (const [text, expected] of [
      ['k1=v1 k2=v2', { k1: 'v1', k2: 'v2' }],
      ['k1=v1    k2=v2', { k1: 'v1', k2: 'v2' }],
      ['k2=v2\tk1=v1', { k2: 'v2', k1: 'v1' }],
      ['k2=v2\t k1=v1', { k2: 'v2', k1: 'v1' }],
    ] as const) {
      expect(parseWith('@type ltsv\ndelimiter_pattern /\\s+/\nlabel_delimiter =', text).records[0].record).toEqual(expected)
    }
  })

  it('applies the null patterns', () => {
    const out = parseWith('@type ltsv\nnull_value_pattern ^(-|null|NULL)$', 'a:-\tb:null\tc:NULL\td:\te:--\tf:nuLL')
    expect(out.records[0].record).toEqual({ a: null, b: null, c: null, d: '', e: '--', f: 'nuLL' })
    expect(parseWith('@type ltsv\nnull_empty_string true', 'a:\tb: ').records[0].record).toEqual({ a: null, b: ' ' })
  })
})
