/**
 * @module filter_parser in a real agent, against cases derived from Fluentd's
 * test_filter_parser.rb: regexp with a time format and reserve_data, json (arrays, invalid text),
 * ltsv with types, tsv, csv, nested key_name, hash_value_field / inject_key_prefix, reserve_time,
 * and the abnormal cases (missing key, pattern not matched, parse errors, invalid bytes) with their
 * error events in <label @ERROR> or the log.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { EventTime } from '../../event-time.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { PARSERS, utc } from '../../parser/testing.ts'
import { filterParser } from './index.ts'

const zone = process.env.TZ
beforeAll(() => {
  process.env.TZ = 'UTC'
})
afterAll(() => {
  if (zone === undefined) delete process.env.TZ
  else process.env.TZ = zone
})

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  captures.clear()
})

const DEFAULT_TIME = utc(2010, 5, 4, 3, 2, 1) // Fluentd's test freezes now here
const NOW = new EventTime(DEFAULT_TIME)

interface Result {
  events: { time: EventTime; record: Record<string, unknown> }[]
  errors: { time: EventTime; record: Record<string, unknown> }[]
  logs: { message: string; fields: Record<string, unknown> }[]
}

async function filter(
  conf: string,
  records: Record<string, unknown>[],
  time = new EventTime(utc(2012, 1, 2, 13, 14, 15)),
  errorLabel = true,
): Promise<Result> {
  await running?.stop()
  captures.clear()
  const error = errorLabel ? '<label @ERROR>\n<match **>\n@type capture\n@id err\n</match>\n</label>\n' : ''
  running = await startAgent(
    `<filter **>\n@type parser\n${conf}\n</filter>\n<match **>\n@type capture\n@id out\n</match>\n${error}`,
    [filterParser, ...PARSERS],
    {
      now: () => DEFAULT_TIME * 1000,
    },
  )
  running.agent.root.emit(
    streamFromEvents(
      'test',
      records.map((record) => ({ time, record })),
    ),
  )
  return {
    events: (captures.get('out')?.events ?? []).map((e) => ({ time: e.time, record: e.record })),
    errors: (captures.get('err')?.events ?? []).map((e) => ({ time: e.time, record: e.record })),
    logs: running.logs.filter((l) => l.level === 'warn').map((l) => ({ message: l.message, fields: l.fields })),
  }
}

const REGEXP =
  'key_name message\nreserve_data true\n<parse>\n@type regexp\nexpression /^(?<x>.)(?<y>.) (?<time>.+)$/\ntime_format %Y%m%d%H%M%S\n</parse>'

describe('filter_parser', () => {
  it('parses a field into the record and takes its time (test_filter)', async () => {
    const { events } = await filter(REGEXP, [
      { message: '12 20120402182059' },
      { message: '34 20120402182100' },
      { message: '56 20120402182100' },
      { message: '78 20120402182101' },
      { message: '90 20120402182100' },
    ])
    expect(events.map((e) => e.time.sec)).toEqual([59, 60, 60, 61, 60].map((s) => utc(2012, 4, 2, 18, 20, s)))
    expect(events[0].record).toEqual({ message: '12 20120402182059', x: '1', y: '2' })
    expect(events.map((e) => `${e.record.x}${e.record.y}`)).toEqual(['12', '34', '56', '78', '90'])
  })

  it('without reserve_data the record is the parsed one; its time is now when the text has none', async () => {
    const time = new EventTime(DEFAULT_TIME)
    const { events } = await filter(
      'key_name data\n<parse>\n@type regexp\nexpression /^(?<x>.)(?<y>.) (?<t>.+)$/\n</parse>',
      [{ data: '12 20120402182059' }, { data: '34 20120402182100' }],
      time,
    )
    expect(events).toEqual([
      { time: NOW, record: { x: '1', y: '2', t: '20120402182059' } },
      { time: NOW, record: { x: '3', y: '4', t: '20120402182100' } },
    ])
  })

  it('drops what the parser does not match, sending it to @ERROR', async () => {
    const r = await filter('key_name data\n<parse>\n@type regexp\nexpression /^(?<x>[0-9])(?<y>[0-9]) (?<t>.+)$/\n</parse>', [
      { data: '12 20120402182059' },
      { data: '34 20120402182100' },
      { data: 'xy 20120402182101' },
    ])
    expect(r.events).toHaveLength(2)
    expect(r.errors.map((e) => e.record)).toEqual([{ data: 'xy 20120402182101' }])
    const json = await filter('key_name data\n<parse>\n@type json\n</parse>', [
      { data: '{"xxx":"first","yyy":"second"}', xxx: 'x', yyy: 'y' },
      { data: 'foobar', xxx: 'x', yyy: 'y' },
    ])
    expect(json.events.map((e) => e.record)).toEqual([{ xxx: 'first', yyy: 'second' }])
  })

  it('gives one event per record of a JSON array (test_filter_with_multiple_records)', async () => {
    const { events } = await filter(
      'key_name data\n<parse>\n@type json\n</parse>',
      [{ data: '[{"xxx_1":"first","yyy":"second"}, {"xxx_2":"first", "yyy_2":"second"}]' }],
      NOW,
    )
    expect(events.map((e) => e.record)).toEqual([
      { xxx_1: 'first', yyy: 'second' },
      { xxx_2: 'first', yyy_2: 'second' },
    ])
  })

  it.each([false, true])('reserve_data keeps the record (remove_key_name_field %s)', async (remove) => {
    const r = await filter(
      `key_name data\nreserve_data yes\nremove_key_name_field ${remove}\n<parse>\n@type regexp\nexpression /^(?<x>\\d)(?<y>\\d) (?<t>.+)$/\n</parse>`,
      [{ data: '12 20120402182059' }, { data: '34 20120402182100' }, { data: 'xy 20120402182101' }],
    )
    expect(r.events).toHaveLength(3)
    const j = await filter(`key_name data\nreserve_data yes\nremove_key_name_field ${remove}\n<parse>\n@type json\n</parse>`, [
      { data: '{"xxx":"first","yyy":"second"}', xxx: 'x', yyy: 'y' },
      { data: 'foobar', xxx: 'x', yyy: 'y' },
    ])
    expect(j.events.map((e) => e.record)).toEqual([
      remove ? { xxx: 'first', yyy: 'second' } : { data: '{"xxx":"first","yyy":"second"}', xxx: 'first', yyy: 'second' },
      { data: 'foobar', xxx: 'x', yyy: 'y' },
    ])
    expect(Object.keys(j.events[0].record)).toEqual(remove ? ['xxx', 'yyy'] : ['data', 'xxx', 'yyy'])
  })

  it('ltsv with types, tsv, csv and a nested key_name', async () => {
    const ltsv = await filter(
      'key_name data\n<parse>\n@type ltsv\ntypes i:integer,s:string,f:float,b:bool\n</parse>',
      [{ data: 'i:1\ts:2\tf:3\tb:true\tx:123' }],
      NOW,
    )
    expect(ltsv.events[0].record).toEqual({ i: 1, s: '2', f: 3, b: true, x: '123' })
    const tsv = await filter(
      'key_name data\n<parse>\n@type tsv\nkeys key1,key2,key3\n</parse>',
      [{ data: 'value1\tvalue2\tvalueThree', xxx: 'x' }],
      NOW,
    )
    expect(tsv.events[0].record).toEqual({ key1: 'value1', key2: 'value2', key3: 'valueThree' })
    const csv = await filter(
      'key_name data\n<parse>\n@type csv\nkeys key1,key2,key3\n</parse>',
      [{ data: 'value1,"value2","value""ThreeYes!"', xxx: 'x' }],
      NOW,
    )
    expect(csv.events[0].record).toEqual({ key1: 'value1', key2: 'value2', key3: 'value"ThreeYes!' })
    const nested = await filter(
      'key_name $.data.log\n<parse>\n@type csv\nkeys key1,key2,key3\n</parse>',
      [{ data: { log: 'value1,"value2","value""ThreeYes!"' }, xxx: 'x' }],
      NOW,
    )
    expect(nested.events[0].record).toEqual({ key1: 'value1', key2: 'value2', key3: 'value"ThreeYes!' })
  })

  it('remove_key_name_field removes a nested key_name', async () => {
    const { events } = await filter('key_name $.data.log\nreserve_data true\nremove_key_name_field true\n<parse>\n@type json\n</parse>', [
      { data: { log: '{"a":1}', other: 2 }, keep: true },
    ])
    expect(events[0].record).toEqual({ data: { other: 2 }, keep: true, a: 1 })
  })

  it('hash_value_field, with reserve_data and with inject_key_prefix', async () => {
    const original = { data: '{"xxx":"first","yyy":"second"}', xxx: 'x', yyy: 'y' }
    const a = await filter('key_name data\nhash_value_field parsed\n<parse>\n@type json\n</parse>', [original])
    expect(a.events[0].record).toEqual({ parsed: { xxx: 'first', yyy: 'second' } })
    const b = await filter('key_name data\nreserve_data yes\nhash_value_field parsed\n<parse>\n@type json\n</parse>', [original])
    expect(b.events[0].record).toEqual({ ...original, parsed: { xxx: 'first', yyy: 'second' } })
    const c = await filter('key_name data\nhash_value_field parsed\ninject_key_prefix data.\n<parse>\n@type json\n</parse>', [original])
    expect(c.events[0].record).toEqual({ parsed: { 'data.xxx': 'first', 'data.yyy': 'second' } })
  })

  it('reserve_time keeps the event time (test_time_should_be_reserved)', async () => {
    const t = new EventTime(utc(2020, 1, 1), 5)
    const { events } = await filter(
      'key_name data\nreserve_time true\n<parse>\n@type json\nkeep_time_key true\n</parse>',
      [
        { data: '{"time":1383190430, "f1":"v1"}' },
        { data: '{"time":"1383190430", "f1":"v1"}' },
        { data: '{"time":"2013-10-31 12:34:03 +0900", "f1":"v1"}' },
      ],
      t,
    )
    expect(events).toEqual([
      { time: t, record: { time: 1383190430, f1: 'v1' } },
      { time: t, record: { time: '1383190430', f1: 'v1' } },
      { time: t, record: { time: '2013-10-31 12:34:03 +0900', f1: 'v1' } },
    ])
  })

  describe('abnormal cases', () => {
    const json = (extra: string) => `key_name data\n${extra}\n<parse>\n@type json\n</parse>`

    it.each([
      ['default', '', [], [{ foo: 'bar' }]],
      ['reserve_data', 'reserve_data', [{ foo: 'bar' }], [{ foo: 'bar' }]],
      ['emit_invalid_record_to_error false', 'emit_invalid_record_to_error false', [], []],
      ['reserve_data, no error events', 'reserve_data\nemit_invalid_record_to_error false', [{ foo: 'bar' }], []],
      ['reserve_data and hash_value_field', 'reserve_data\nhash_value_field parsed', [{ foo: 'bar', parsed: {} }], [{ foo: 'bar' }]],
    ])('a missing key, %s', async (_name, extra, expected, errors) => {
      const r = await filter(json(extra), [{ foo: 'bar' }])
      expect(r.events.map((e) => e.record)).toEqual(expected)
      expect(r.errors.map((e) => e.record)).toEqual(errors)
    })

    it('a missing key without @ERROR is one log line with the reason', async () => {
      const r = await filter(json(''), [{ foo: 'bar' }], NOW, false)
      expect(r.logs).toEqual([
        {
          message: 'dump an error event',
          fields: expect.objectContaining({ error: 'data does not exist', count: 1, tag: 'test', record: { foo: 'bar' } }),
        },
      ])
    })

    it.each([
      ['default', '', [], [{ data: 'foo bar' }]],
      ['reserve_data', 'reserve_data', [{ data: 'foo bar' }], [{ data: 'foo bar' }]],
      ['emit_invalid_record_to_error false', 'emit_invalid_record_to_error false', [], []],
      ['reserve_data, no error events', 'reserve_data\nemit_invalid_record_to_error false', [{ data: 'foo bar' }], []],
    ])('a pattern not matched, %s', async (_name, extra, expected, errors) => {
      const conf = `key_name data\n${extra}\n<parse>\n@type regexp\nexpression /^col1=(?<col1>.+) col2=(?<col2>.+)$/\n</parse>`
      const r = await filter(conf, [{ data: 'foo bar' }])
      expect(r.events.map((e) => e.record)).toEqual(expected)
      expect(r.errors.map((e) => e.record)).toEqual(errors)
      const matched = await filter(conf, [{ data: 'col1=foo col2=bar' }])
      const parsed = { col1: 'foo', col2: 'bar' }
      expect(matched.events.map((e) => e.record)).toEqual([
        extra.includes('reserve_data') ? { data: 'col1=foo col2=bar', ...parsed } : parsed,
      ])
      expect(matched.errors).toEqual([])
    })

    it('says "pattern not matched with data \'…\'" in the log', async () => {
      const r = await filter('key_name data\n<parse>\n@type regexp\nexpression /^(?<a>\\d+)$/\n</parse>', [{ data: 'foo bar' }], NOW, false)
      expect(r.logs[0].fields.error).toBe("pattern not matched with data 'foo bar'")
    })

    it('a parse error is an error event only, even with reserve_data', async () => {
      const r = await filter(json(''), [{ data: '{"time":[], "f1":"v1"}' }, { data: '{"time":0, "f1":"v1"}' }])
      expect(r.events.map((e) => e.record)).toEqual([{ f1: 'v1' }])
      expect(r.errors.map((e) => e.record)).toEqual([{ data: '{"time":[], "f1":"v1"}' }])
      const reserved = await filter(json('reserve_data'), [{ data: '{"time":[], "f1":"v1"}' }], NOW, false)
      expect(reserved.events).toEqual([])
      expect(reserved.logs[0].fields.error).toBe('value must be a string or a number: [](Array)')
    })

    it('bytes that are not UTF-8: an error, or "?" with replace_invalid_sequence', async () => {
      const bad = { data: new Uint8Array([0xff]) }
      const conf = (extra: string) => `key_name data\n${extra}\n<parse>\n@type regexp\nexpression /^(?<message>.*)$/\n</parse>`
      const plain = await filter(conf(''), [bad], NOW, false)
      expect(plain.events).toEqual([])
      expect(plain.logs[0].fields.error).toBe('invalid byte sequence in UTF-8')
      const replaced = await filter(conf('replace_invalid_sequence'), [bad])
      expect(replaced.events.map((e) => e.record)).toEqual([{ message: '?' }])
      expect(replaced.errors).toEqual([])
      const reserved = await filter(conf('replace_invalid_sequence\nreserve_data'), [bad])
      expect(reserved.events.map((e) => e.record)).toEqual([{ data: new Uint8Array([0xff]), message: '?' }])
    })

    it('a field that is not a string is an error event', async () => {
      const r = await filter(json(''), [{ data: 42 }], NOW, false)
      expect(r.logs[0].fields.error).toBe('parse failed: data is not a string (Integer)')
    })
  })

  it("reads v0.12's flat form (format json, keep_time_key, keys …) as a <parse> section", async () => {
    const csv = await filter(
      'key_name data\nformat csv\nkeys key1,key2,key3',
      [{ data: 'value1,"value2","value""ThreeYes!"', xxx: 'x' }],
      NOW,
    )
    expect(csv.events[0].record).toEqual({ key1: 'value1', key2: 'value2', key3: 'value"ThreeYes!' })
    const t = new EventTime(utc(2020, 1, 1))
    const json = await filter(
      'key_name data\nreserve_time true\nformat json\nkeep_time_key true',
      [{ data: '{"time":1383190430, "f1":"v1"}' }],
      t,
    )
    expect(json.events).toEqual([{ time: t, record: { time: 1383190430, f1: 'v1' } }])
    const regexp = await filter('key_name data\nformat /^(?<x>.)(?<y>.) (?<t>.+)$/', [{ data: '12 20120402182059' }], t)
    expect(regexp.events[0].record).toEqual({ x: '1', y: '2', t: '20120402182059' })
  })

  it('needs key_name and a <parse> with @type', async () => {
    await expect(filter('<parse>\n@type json\n</parse>', [])).rejects.toThrow(/missing required param key_name/)
    await expect(filter('key_name foo', [])).rejects.toThrow(/missing required section <parse>/)
    await expect(filter('key_name foo\n<parse>\n@type unknown_format_that_will_never_be_implemented\n</parse>', [])).rejects.toThrow(
      /unknown parser plugin/,
    )
    await expect(filter("key_name $['a\n<parse>\n@type json\n</parse>", [])).rejects.toThrow(/cannot configure filter plugin 'parser'/)
  })
})
