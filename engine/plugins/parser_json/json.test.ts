/**
 * @module parser_json: cases derived from Fluentd's test_parser_json.rb (times, arrays of records,
 * invalid elements, keep_time_key, null_empty_string), the json time trap (fluentd#2971), key order
 * and float/integer fidelity of the msgpack records.
 */

import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { buildParser, NOW, parseWith, run, utc, type Warning } from '../../parser/testing.ts'
import { FloatValue } from '../../parser/values.ts'
import { readValue } from '../../parser/record-reader.ts'

describe('parser_json', () => {
  it('reads a record and its float time (test_parse)', () => {
    const out = parseWith('@type json', '{"time":1362020400,"host":"192.168.0.1","size":777,"method":"PUT"}')
    expect(out.returned).toBe(1)
    expect(out.records[0].time).toEqual(new EventTime(1362020400, 0))
    expect(out.records[0].record).toEqual({ host: '192.168.0.1', size: 777, method: 'PUT' })
  })

  it('uses now without a time field, and no record when estimate_current_event is false', () => {
    const text = '{"host":"192.168.0.1","size":777,"method":"PUT"}'
    expect(parseWith('@type json', text).records[0].time).toEqual(NOW)
    const off = parseWith('@type json\nestimate_current_event false', text)
    expect(off).toMatchObject({ returned: 0, lastFailure: 'unmatched', lastUnmatched: 1 })
    // filter_parser passes the event's own time: the record keeps it
    const kept = parseWith('@type json\nestimate_current_event false', text, NOW, new EventTime(5, 6))
    expect(kept.records[0].time).toEqual(new EventTime(5, 6))
  })

  it('reads float times from strings with up to 9 fraction digits (test_parse_float_time)', () => {
    expect(parseWith('@type json', '{"time":"100.1"}').records[0].time).toEqual(new EventTime(100, 100_000_000))
    expect(parseWith('@type json', '{"time":1477023720.101}').records[0].time).toEqual(new EventTime(1477023720, 101_000_000))
    expect(parseWith('@type json', '{"time":"1477023720.123456789123"}').records[0].time).toEqual(new EventTime(1477023720, 123456789))
  })

  it('keeps the time field with keep_time_key, with and without time_format', () => {
    const out = parseWith('@type json\ntime_format %d/%b/%Y:%H:%M:%S %z\nkeep_time_key true', '{"time":"28/Feb/2013:12:00:00 +0900"}')
    expect(out.records[0].time).toEqual(new EventTime(utc(2013, 2, 28, 3)))
    expect(out.records[0].record).toEqual({ time: '28/Feb/2013:12:00:00 +0900' })
    const plain = parseWith('@type json\nkeep_time_key true', '{"time":"100"}')
    expect(plain.records[0]).toMatchObject({ time: new EventTime(100), record: { time: '100' } })
  })

  it('makes a time that is not a string or number invalid (test_parse_with_invalid_time)', () => {
    const out = parseWith('@type json', '{"time":[],"k":"v"}')
    expect(out).toMatchObject({ returned: 0, lastFailure: 'invalid', lastError: 'value must be a string or a number: [](Array)' })
  })

  it.each([
    ['"message"', []],
    ['message', []],
    ['0', []],
    ['[{"k1": 1}, {"k2": 2}]', [{ k1: 1 }, { k2: 2 }]],
    ['[{"k1": 1}, "string", {"k2": 2}, 0]', [{ k1: 1 }, { k2: 2 }]],
    ['["string", 0, [{"k": 0}]]', []],
  ])('yields the objects of %s and counts the rest unmatched', (text, expected) => {
    const out = parseWith('@type json', text)
    expect(out.records.map((r) => r.record)).toEqual(expected)
    const bad = text.startsWith('[') ? JSON.parse(text).filter((v: unknown) => typeof v !== 'object' || Array.isArray(v)).length : 1
    expect(out.lastUnmatched).toBe(bad)
    expect(out.lastFailure).toBe(bad > 0 ? 'unmatched' : null)
  })

  it('applies null_empty_string to every record of an array (fluentd#4100)', () => {
    expect(parseWith('@type json\nnull_empty_string', '[{"k1": 1}, {"k2": ""}]').records.map((r) => r.record)).toEqual([
      { k1: 1 },
      { k2: null },
    ])
    expect(parseWith('@type json\nnull_empty_string', '"message"').returned).toBe(0)
  })

  it('keeps key order, 64-bit integers and floats exactly as msgpack', () => {
    const out = parseWith(
      '@type json',
      '{"b":1,"2":"x","a":{"10":1,"9":2},"big":18446744073709551615,"neg":-9223372036854775808,"f":1.0,"g":1.5,"e":1e3,"s":9007199254740993}',
    )
    const r = out.records[0]
    const map = readValue(r.bytes, 0)[0] as Map<string, unknown>
    expect([...map.keys()]).toEqual(['b', '2', 'a', 'big', 'neg', 'f', 'g', 'e', 's'])
    expect([...(map.get('a') as Map<string, unknown>).keys()]).toEqual(['10', '9'])
    expect(r.record).toMatchObject({
      big: 18446744073709551615n,
      neg: -9223372036854775808n,
      f: new FloatValue(1),
      g: 1.5,
      e: new FloatValue(1000),
      s: 9007199254740993n,
    })
    // the bytes: fixmap 9, "b" → positive fixint 1, "2" → fixstr "x"
    expect([...r.bytes.subarray(0, 7)]).toEqual([0x89, 0xa1, 0x62, 0x01, 0xa1, 0x32, 0xa1])
  })

  it('reads a large float as a float (test_parse_with_large_float)', () => {
    const r = parseWith('@type json', '{"num":999999999999999999999999999999.99999}').records[0]
    expect(r.record.num).toBeInstanceOf(FloatValue)
    expect(r.bytes[r.bytes.length - 9]).toBe(0xcb)
  })

  it('treats text that is not JSON (or not UTF-8) as unmatched', () => {
    expect(parseWith('@type json', '{"a":').lastFailure).toBe('unmatched')
    expect(parseWith('@type json', '{"a":1} {"b":2}').lastFailure).toBe('unmatched')
    expect(parseWith('@type json', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])).lastError).toBe(
      'invalid byte sequence in UTF-8',
    )
  })

  describe('the time trap: json reads time as float by default (fluentd#2971)', () => {
    it('reads a date string as a date instead of 1970, and warns once', () => {
      const warnings: Warning[] = []
      const parser = buildParser('@type json', warnings)
      const a = run(parser, '{"time":"2020-04-25T17:47:34.356937755Z","log":"x"}')
      const b = run(parser, '{"time":"2020-04-25T17:47:35Z","log":"y"}')
      expect(a.records[0].time).toEqual(new EventTime(utc(2020, 4, 25, 17, 47, 34), 356937755))
      expect(b.records[0].time).toEqual(new EventTime(utc(2020, 4, 25, 17, 47, 35)))
      expect(warnings).toHaveLength(1)
      expect(warnings[0].message).toMatch(/Fluentd would date such events in 1970; sluice reads it as a date/)
    })

    it('follows Fluentd exactly when time_type float is written', () => {
      const out = parseWith('@type json\ntime_type float', '{"time":"2020-04-25T17:47:34.356937755Z"}')
      expect(out.records[0].time).toEqual(new EventTime(2020, 356937755))
    })

    it('switches to string with time_format (Fluentd: time_type defaults to string then)', () => {
      const out = parseWith('@type json\ntime_format %Y-%m-%dT%H:%M:%S.%NZ\nutc true', '{"time":"2020-04-25T17:47:34.356937755Z"}')
      expect(out.records[0].time).toEqual(new EventTime(utc(2020, 4, 25, 17, 47, 34), 356937755))
    })

    it('keeps the float reading (and warns) for text that is neither a number nor a date', () => {
      const warnings: Warning[] = []
      const out = run(buildParser('@type json', warnings), '{"time":"12abc"}')
      expect(out.records[0].time).toEqual(new EventTime(12))
      expect(warnings[0].message).toMatch(/not a number/)
    })
  })
})
