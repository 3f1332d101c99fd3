/**
 * @module parser_cri: the fields of fluent-plugin-parser-cri (its README's examples), the nested
 * <parse> with merge_cri_fields, and the joining of partial (P) lines per stream as Fluent Bit's
 * multiline cri parser does.
 */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { buildParser, feed, parseWith, utc } from '../../parser/testing.ts'

const T = new EventTime(utc(2020, 10, 10, 0, 10, 0), 333333333)

describe('parser_cri', () => {
  it('reads time, stream, logtag and message (time kept by default)', () => {
    const out = parseWith('@type cri', '2020-10-10T00:10:00.333333333Z stdout F Hello Fluentd')
    expect(out.records[0].time).toEqual(T)
    expect(out.records[0].record).toEqual({
      stream: 'stdout',
      logtag: 'F',
      message: 'Hello Fluentd',
      time: '2020-10-10T00:10:00.333333333Z',
    })
    expect(parseWith('@type cri\nkeep_time_key false', '2020-10-10T00:10:00.333333333Z stderr P part').records[0].record).toEqual({
      stream: 'stderr',
      logtag: 'P',
      message: 'part',
    })
  })

  it('keeps the message exactly (leading spaces, empty), and refuses lines without the three fields', () => {
    expect(parseWith('@type cri', '2020-10-10T00:10:00.333333333Z stdout F     indented').records[0].record.message).toBe('    indented')
    expect(parseWith('@type cri', '2020-10-10T00:10:00.333333333Z stdout F ').records[0].record.message).toBe('')
    expect(parseWith('@type cri', '2020-10-10T00:10:00.333333333Z stdout F').records[0].record.message).toBe('')
    expect(parseWith('@type cri', 'one-word')).toMatchObject({ returned: 0, lastFailure: 'unmatched' })
    expect(parseWith('@type cri', 'two words')).toMatchObject({ returned: 0, lastFailure: 'unmatched' })
    // a time without a fraction (containerd writes RFC 3339 with nanoseconds, trailing zeros dropped)
    expect(parseWith('@type cri', '2023-01-01T00:00:00Z stdout F x').records[0].time).toEqual(new EventTime(utc(2023, 1, 1)))
    expect(parseWith('@type cri', 'yesterday stdout F x')).toMatchObject({ returned: 0, lastFailure: 'invalid' })
  })

  it('parses the message with a nested <parse>, adding stream and logtag (merge_cri_fields)', () => {
    const conf = '@type cri\n<parse>\n@type json\ntime_key time\ntime_format %Y-%m-%dT%H:%M:%S.%L%z\n</parse>'
    const out = parseWith(conf, '2020-10-10T00:10:00.333333333Z stdout F {"foo":"bar","num":100,"time":"2020-11-11T00:11:00.111111111Z"}')
    expect(out.records[0].time).toEqual(new EventTime(utc(2020, 11, 11, 0, 11, 0), 111111111))
    expect(out.records[0].record).toEqual({ foo: 'bar', num: 100, stream: 'stdout', logtag: 'F' })
    expect(
      parseWith(conf.replace('@type cri', '@type cri\nmerge_cri_fields false'), '2020-10-10T00:10:00.333333333Z stdout F {"foo":"bar"}')
        .records[0].record,
    ).toEqual({ foo: 'bar' })
    expect(parseWith(conf, '2020-10-10T00:10:00.333333333Z stdout F not json')).toMatchObject({ returned: 0, lastFailure: 'unmatched' })
  })

  it('needs @type in the nested <parse>', () => {
    expect(() => buildParser('@type cri\n<parse>\n</parse>')).toThrow(/<parse> needs @type/)
  })

  describe('stream: partial lines', () => {
    it('joins P parts with no separator until F, per stream, with the first part time', () => {
      const stream = buildParser('@type cri').newStream!()
      const { records } = feed(stream, [
        '2023-01-01T00:00:00.000000001Z stdout P first ',
        '2023-01-01T00:00:00.000000002Z stderr F err line',
        '2023-01-01T00:00:00.000000003Z stdout P second ',
        '2023-01-01T00:00:00.000000004Z stdout F third',
      ])
      expect(records.map((r) => r.record.message)).toEqual(['err line', 'first second third'])
      expect(records[1].time).toEqual(new EventTime(utc(2023, 1, 1), 1))
      expect(records[1].record).toMatchObject({ stream: 'stdout', logtag: 'F', time: '2023-01-01T00:00:00.000000001Z' })
    })

    it('flushes what is held with logtag P, and caps the join at max_joined_size', () => {
      const held = buildParser('@type cri').newStream!()
      const a = feed(held, ['2023-01-01T00:00:00Z stdout P never '], false)
      expect(a.records).toEqual([])
      expect(held.pending).toBe(true)
      expect(feed(held, []).records[0].record).toMatchObject({ logtag: 'P', message: 'never ' })
      const capped = buildParser('@type cri\nmax_joined_size 120').newStream!()
      const lines = Array.from({ length: 6 }, (_, i) => `2023-01-01T00:00:00Z stdout P part${i}-`)
      const { records } = feed(capped, [...lines, '2023-01-01T00:00:00Z stdout F end'])
      expect(records.map((r) => r.record.message)).toEqual(['part0-part1-part2-part3-', 'part4-part5-end'])
    })

    it('parses the joined message with the nested <parse>', () => {
      const stream = buildParser('@type cri\n<parse>\n@type json\n</parse>').newStream!()
      const { records } = feed(stream, ['2023-01-01T00:00:00Z stdout P {"a":', '2023-01-01T00:00:00Z stdout F 1}'])
      expect(records.map((r) => r.record)).toEqual([{ a: 1, stream: 'stdout', logtag: 'F' }])
    })
  })
})
