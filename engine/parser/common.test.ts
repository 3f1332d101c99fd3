/**
 * @module The common <parse> params, with cases derived from Fluentd's test_parser.rb (types
 * converters, null_value_pattern / null_empty_string, time key handling) and test_time_parser.rb
 * (localtime / utc / timezone, the configuration errors, mixed with fallbacks), run through a real
 * parser (json: its values have every type) so the whole path is exercised.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../event-time.ts'
import type { PluginSectionConfig } from '../plugin.ts'
import { CaptureSink } from './capture-sink.ts'
import { buildParser, NOW, parserContext, parseWith, utc } from './testing.ts'
import { FloatValue } from './values.ts'

const TYPES = JSON.stringify({
  s: 'string',
  i: 'integer',
  f: 'float',
  b: 'bool',
  t1: 'time',
  t2: 'time:%Y-%m-%d %H:%M:%S.%N',
  t3: 'time:+0100:%Y-%m-%d %H:%M:%S.%N',
  t4: 'time:unixtime',
  t5: 'time:float',
  a1: 'array',
  a2: 'array:|',
})

/** Converts `value` (a JSON literal) through the converter of `key` (local time is -02:00 here, as in Fluentd's tests). */
function convert(key: string, value: string): unknown {
  const out = parseWith(`@type json\ntypes ${TYPES}`, `{"${key}":${value}}`)
  expect(out.returned).toBe(1)
  return out.records[0].record[key]
}

describe('types (build_type_converters)', () => {
  const zone = process.env.TZ
  beforeAll(() => {
    process.env.TZ = 'Etc/GMT+2' // POSIX sign: UTC-02:00, Fluentd's with_timezone("UTC+02")
  })
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  })

  it('string: to_s', () => {
    expect(['""', '"a"', '1', '1.01', 'true', 'false'].map((v) => convert('s', v))).toEqual(['', 'a', '1', '1.01', 'true', false])
  })

  it('integer: to_i (a leading number, 0 otherwise)', () => {
    expect(['""', '"0"', '"a"', '"-1000"', '1', '1.01', 'true', '"13.1"', '"12ab"', '" 1_000"'].map((v) => convert('i', v))).toEqual([
      0, 0, 0, -1000, 1, 1, 0, 13, 12, 1000,
    ])
  })

  it('float: to_f, written as a msgpack float even when whole', () => {
    expect(['""', '"0"', '"a"', '"-1000"', '1', '1.01', 'true', '"1e3x"'].map((v) => convert('f', v))).toEqual(
      [0, 0, 0, -1000, 1, 1.01, 0, 1000].map((n) => (Number.isInteger(n) ? new FloatValue(n) : n)),
    )
  })

  it('bool: true only for true/yes/1, any case', () => {
    expect(['""', '"0"', '"a"', '"1"', '"true"', '"True"', '"YES"', 'true', '"1.0"'].map((v) => convert('b', v))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      false,
    ])
  })

  it('time: guessed, with a format, with a zone and format, unixtime, float; null when it is not a time', () => {
    expect(convert('t1', '""')).toBeNull()
    expect(convert('t1', '"2016-10-21 01:54:30"')).toEqual(new EventTime(utc(2016, 10, 21, 3, 54, 30)))
    expect(convert('t1', '"2016-10-21 01:54:30 -0400"')).toEqual(new EventTime(utc(2016, 10, 21, 5, 54, 30)))
    expect(convert('t1', '"2016-10-21T03:55:24Z"')).toEqual(new EventTime(utc(2016, 10, 21, 3, 55, 24)))
    expect(convert('t2', '"2016-10-21 01:54:30.012345678"')).toEqual(new EventTime(utc(2016, 10, 21, 3, 54, 30), 12345678))
    expect(convert('t2', '"2016/10/21 015430"')).toBeNull()
    expect(convert('t3', '"2016-10-21 01:54:30.123"')).toEqual(new EventTime(utc(2016, 10, 21, 0, 54, 30), 123000000))
    expect(convert('t4', '""')).toEqual(new EventTime(0))
    expect(convert('t4', '"1477022070.01"')).toEqual(new EventTime(1477022070))
    expect(convert('t5', '"1477022070.123456789"')).toEqual(new EventTime(1477022070, 123456789))
  })

  it('time values are written as EventTime (msgpack ext 0)', () => {
    const r = parseWith(`@type json\ntypes ${TYPES}`, '{"t4":"1477022070"}').records[0]
    expect([...r.bytes.subarray(r.bytes.length - 10, r.bytes.length - 8)]).toEqual([0xd7, 0x00])
  })

  it('array: to_s split at "," or the given delimiter', () => {
    expect(['""', '"0"', '0', '"0,1"', '"0|1,2"', 'true'].map((v) => convert('a1', v))).toEqual([
      [],
      ['0'],
      ['0'],
      ['0', '1'],
      ['0|1', '2'],
      ['true'],
    ])
    expect(['"0|1,2"', '"0,1"'].map((v) => convert('a2', v))).toEqual([['0', '1,2'], ['0,1']])
  })

  it('accepts the k:v,k:v form and rejects unknown types at configure time', () => {
    const out = parseWith('@type json\ntypes k1:string, k2:integer, k3:float, k4:bool', '{"k1":1,"k2":"13.1","k3":"1","k4":"yes"}')
    expect(out.records[0].record).toEqual({ k1: '1', k2: 13, k3: new FloatValue(1), k4: true })
    expect(() => buildParser('@type json\ntypes k:integr')).toThrow("unknown value conversion for key:'k', type:'integr'")
  })
})

describe('null_empty_string and null_value_pattern', () => {
  const json = '{"t1":"1477023720.101","s1":"","s2":"NULL","s3":"null","k1":1,"k2":"13.1","k3":"1","k4":"yes"}'

  it('leave values as they are by default, with the current time', () => {
    const out = parseWith('@type json\ntime_key t0', json)
    expect(out.records[0].time).toEqual(NOW)
    expect(out.records[0].record).toEqual({ t1: '1477023720.101', s1: '', s2: 'NULL', s3: 'null', k1: 1, k2: '13.1', k3: '1', k4: 'yes' })
  })

  it('turn matching strings into null before the types apply (test_parser.rb "fully configured")', () => {
    const conf =
      '@type json\ntime_key t1\ntime_type float\nnull_empty_string yes\nnull_value_pattern NULL|null\ntypes k1:string, k2:integer, k3:float, k4:bool'
    const out = parseWith(conf, json)
    expect(out.records[0].time).toEqual(new EventTime(1477023720, 101_000_000))
    expect(out.records[0].record).toEqual({ s1: null, s2: null, s3: null, k1: '1', k2: 13, k3: new FloatValue(1), k4: true })
    const kept = parseWith(`${conf}\nkeep_time_key yes\nestimate_current_event no`, json)
    expect(kept.records[0].record.t1).toBe('1477023720.101')
  })
})

describe('time zones (TimeMixin)', () => {
  const text = '{"time":"09/02/2016 18-42-31 012345678"}'
  const format = 'time_format %m/%d/%Y %H-%M-%S %N'

  it('reads a time without an offset in UTC (utc / localtime false) or a given zone', () => {
    expect(parseWith(`@type json\n${format}\nutc true`, text).records[0].time).toEqual(new EventTime(utc(2016, 9, 2, 18, 42, 31), 12345678))
    expect(parseWith(`@type json\n${format}\nlocaltime false`, text).records[0].time).toEqual(
      new EventTime(utc(2016, 9, 2, 18, 42, 31), 12345678),
    )
    expect(parseWith(`@type json\n${format}\ntimezone -01:00`, text).records[0].time).toEqual(
      new EventTime(utc(2016, 9, 2, 19, 42, 31), 12345678),
    )
    expect(parseWith(`@type json\n${format}\ntimezone +09`, text).records[0].time).toEqual(
      new EventTime(utc(2016, 9, 2, 9, 42, 31), 12345678),
    )
    const zurich = parseWith(
      '@type json\ntime_format %Y-%m-%d %H:%M:%S.%N\ntimezone Europe/Zurich',
      '{"time":"2016-12-02 18:42:31.123456789"}',
    )
    expect(zurich.records[0].time).toEqual(new EventTime(utc(2016, 12, 2, 17, 42, 31), 123456789))
  })

  it('takes the offset from the value when the format has %z (the zone settings do not apply)', () => {
    const out = parseWith(
      '@type json\ntime_format %Y-%m-%d %H:%M:%S.%N %z\ntimezone +09:00',
      '{"time":"2016-09-05 17:59:38.987654321 -03:00"}',
    )
    expect(out.records[0].time).toEqual(new EventTime(utc(2016, 9, 5, 20, 59, 38), 987654321))
  })

  it('refuses what Fluentd refuses at configure time', () => {
    expect(() => buildParser('@type regexp\nexpression /(?<a>.)/\nutc true')).toThrow('specifying timezone requires time format')
    expect(() => buildParser('@type regexp\nexpression /(?<a>.)/\nlocaltime false')).toThrow('specifying timezone requires time format')
    expect(() => buildParser('@type regexp\nexpression /(?<a>.)/\ntimezone -0700')).toThrow('specifying timezone requires time format')
    expect(() => buildParser('@type json\ntime_format %H\nutc true\nlocaltime true')).toThrow('both of utc and localtime are specified')
    expect(() => buildParser('@type json\ntime_format %H\ntimezone Mars/Olympus')).toThrow("Unsupported timezone 'Mars/Olympus'")
    expect(() => buildParser('@type json\ntime_type mixed')).toThrow(
      'time_type is :mixed but time_format and time_format_fallbacks is empty.',
    )
  })

  it('reads unixtime and float types (test_time_parser.rb)', () => {
    expect(parseWith('@type json\ntime_type unixtime', '{"time":"1475521710"}').records[0].time).toEqual(new EventTime(1475521710))
    expect(parseWith('@type json\ntime_type unixtime', '{"time":1475521710.9}').records[0].time).toEqual(new EventTime(1475521710))
    expect(parseWith('@type json\ntime_type float', '{"time":"1475521710.123456789"}').records[0].time).toEqual(
      new EventTime(1475521710, 123456789),
    )
  })
})

describe('time_type mixed (MixedTimeParser)', () => {
  const sec = utc(2021, 1, 1, 3)

  it.each([
    ['time_format unixtime\ntime_format_fallbacks %iso8601', '"2021-01-01T12:00:00+0900"'],
    ['time_format %iso8601\ntime_format_fallbacks unixtime', `"${sec}"`],
    ['time_format %iso8601', '"2021-01-01T12:00:00+0900"'],
    ['time_format unixtime', `"${sec}"`],
    ['time_format_fallbacks %iso8601, unixtime', `"${sec}"`],
    ['time_format_fallbacks unixtime, %iso8601', '"2021-01-01T12:00:00+0900"'],
  ])('%s reads %s', (conf, value) => {
    expect(parseWith(`@type json\ntime_type mixed\n${conf}`, `{"time":${value}}`).records[0].time).toEqual(new EventTime(sec))
  })

  it('fails with the list of parsers tried', () => {
    expect(parseWith('@type json\ntime_type mixed\ntime_format_fallbacks %iso8601', '{"time":"INVALID"}').lastError).toBe(
      'invalid time format: value = INVALID, even though fallbacks: Fluent::TimeParser',
    )
    expect(parseWith('@type json\ntime_type mixed\ntime_format unixtime', '{"time":"2021-01-01T12:00:00+0900"}').lastError).toBe(
      'invalid time format: value = 2021-01-01T12:00:00+0900, even though fallbacks: Fluent::NumericTimeParser',
    )
  })
})

describe('invalid times', () => {
  it('make the record invalid with Fluentd message', () => {
    const out = parseWith('@type json\ntime_format %Y-%m-%d', '{"time":"yesterday"}')
    expect(out).toMatchObject({
      returned: 0,
      lastFailure: 'invalid',
      lastError: "invalid time format: value = yesterday, error_class = ArgumentError, error = string doesn't match",
    })
    expect(parseWith('@type json\ntime_format %Y-%m-%d', '{"time":5}').lastError).toBe('value must be string: 5')
  })

  it('refuses an unknown strptime conversion at configure time', () => {
    expect(() => buildParser('@type json\ntime_format %Y-%q')).toThrow(/invalid strptime format/)
  })
})

describe('parsers built from configs written in code', () => {
  it('fill in the schema defaults (ctx.createParser({ "@type": … }))', () => {
    const ctx = parserContext()
    const minimal: PluginSectionConfig[] = [
      { '@type': 'json' },
      { '@type': 'none' },
      { '@type': 'syslog' },
      { '@type': 'apache2' },
      { '@type': 'nginx' },
      { '@type': 'msgpack' },
      { '@type': 'cri' },
      { '@type': 'docker' },
      { '@type': 'ltsv' },
      { '@type': 'csv', keys: ['a', 'b'] },
      { '@type': 'tsv', keys: ['a'] },
    ]
    for (const config of minimal) {
      const parser = ctx.createParser(config)
      const bytes = new TextEncoder().encode('{"a":1}')
      expect(() => parser.parse(bytes, 0, bytes.length, new CaptureSink(), NOW), config['@type']).not.toThrow()
    }
    const json = ctx.createParser({ '@type': 'json' })
    const sink = new CaptureSink()
    const bytes = new TextEncoder().encode('{"time":1500000000,"a":1}')
    expect(json.parse(bytes, 0, bytes.length, sink, NOW)).toBe(1)
    expect(sink.records[0].sec).toBe(1500000000)
  })
})
