/** @module parser_docker: json-file lines, their RFC 3339 nanosecond times, and the joining of lines Docker split at 16 KiB. */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { buildParser, feed, parseWith, utc } from '../../parser/testing.ts'

describe('parser_docker', () => {
  it('reads log and stream, the time with its nanoseconds (with or without a fraction)', () => {
    const out = parseWith('@type docker', '{"log":"hello\\n","stream":"stdout","time":"2019-03-25T09:48:31.123456789Z"}')
    expect(out.records[0]).toMatchObject({
      time: new EventTime(utc(2019, 3, 25, 9, 48, 31), 123456789),
      record: { log: 'hello\n', stream: 'stdout' },
    })
    expect(parseWith('@type docker', '{"log":"x\\n","stream":"stderr","time":"2019-03-25T09:48:31Z"}').records[0].time).toEqual(
      new EventTime(utc(2019, 3, 25, 9, 48, 31)),
    )
    expect(
      parseWith('@type docker\nkeep_time_key true', '{"log":"x\\n","stream":"stderr","time":"2019-03-25T09:48:31Z"}').records[0].record,
    ).toEqual({
      log: 'x\n',
      stream: 'stderr',
      time: '2019-03-25T09:48:31Z',
    })
    expect(parseWith('@type docker', 'plain text')).toMatchObject({ returned: 0, lastFailure: 'unmatched' })
  })

  it('joins split lines per stream until one ends in a newline (kept)', () => {
    const stream = buildParser('@type docker').newStream!()
    const big = 'x'.repeat(16384)
    const { records } = feed(stream, [
      `{"log":"${big}","stream":"stdout","time":"2019-03-25T09:48:31.000000001Z"}`,
      '{"log":"err\\n","stream":"stderr","time":"2019-03-25T09:48:31.000000002Z"}',
      '{"log":"tail\\n","stream":"stdout","time":"2019-03-25T09:48:31.000000003Z"}',
    ])
    expect(records.map((r) => r.record.stream)).toEqual(['stderr', 'stdout'])
    expect(records[1].record.log).toBe(`${big}tail\n`)
    expect(records[1].time).toEqual(new EventTime(utc(2019, 3, 25, 9, 48, 31), 1))
  })

  it('flushes a held part, and reports lines that are not JSON', () => {
    const stream = buildParser('@type docker').newStream!()
    const { records, unmatched } = feed(stream, ['{"log":"cut","stream":"stdout","time":"2019-03-25T09:48:31Z"}', 'garbage'])
    expect(records.map((r) => r.record.log)).toEqual(['cut'])
    expect(unmatched.map((u) => u[0])).toEqual(['garbage'])
  })
})
