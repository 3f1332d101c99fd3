/**
 * @module parser_multiline: cases derived from Fluentd's test_parser_multiline.rb (one format,
 * format_firstline, five formats, keep_time_key, unmatched_lines, bad configs) and the stream that
 * joins lines the way in_tail does.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { buildParser, feed, parseWith, utc } from '../../parser/testing.ts'

const zone = process.env.TZ
beforeAll(() => {
  process.env.TZ = 'UTC'
})
afterAll(() => {
  if (zone === undefined) delete process.env.TZ
  else process.env.TZ = zone
})

const JAVA = '/^(?<time>\\d{4}-\\d{1,2}-\\d{1,2} \\d{1,2}:\\d{1,2}:\\d{1,2}) \\[(?<thread>.*)\\] (?<level>[^\\s]+)(?<message>.*)/'

describe('parser_multiline', () => {
  it('reads a record over several lines (. matches newlines)', () => {
    const out = parseWith(
      `@type multiline\nformat1 ${JAVA}`,
      '2013-3-03 14:27:33 [main] ERROR Main - Exception\njavax.management.RuntimeErrorException: null\n\tat Main.main(Main.java:16) ~[bin/:na]',
    )
    expect(out.records[0].time).toEqual(new EventTime(utc(2013, 3, 3, 14, 27, 33)))
    expect(out.records[0].record).toEqual({
      thread: 'main',
      level: 'ERROR',
      message: ' Main - Exception\njavax.management.RuntimeErrorException: null\n\tat Main.main(Main.java:16) ~[bin/:na]',
    })
  })

  it('joins format1..formatN (test_parse_with_multiple_formats)', () => {
    const conf = [
      '@type multiline',
      'format_firstline /^Started/',
      'format1 /Started (?<method>[^ ]+) "(?<path>[^"]+)" for (?<host>[^ ]+) at (?<time>[^ ]+ [^ ]+ [^ ]+)\\n/',
      'format2 /Processing by (?<controller>[^\\u0023]+)\\u0023(?<controller_method>[^ ]+) as (?<format>[^ ]+?)\\n/',
      'format3 /(  Parameters: (?<parameters>[^ ]+)\\n)?/',
      'format4 /  Rendered (?<template>[^ ]+) within (?<layout>.+) \\([\\d\\.]+ms\\)\\n/',
      'format5 /Completed (?<code>[^ ]+) [^ ]+ in (?<runtime>[\\d\\.]+)ms \\(Views: (?<view_runtime>[\\d\\.]+)ms \\| ActiveRecord: (?<ar_runtime>[\\d\\.]+)ms\\)/',
    ].join('\n')
    const text = [
      'Started GET "/users/123/" for 127.0.0.1 at 2013-06-14 12:00:11 +0900',
      'Processing by UsersController#show as HTML',
      '  Parameters: {"user_id"=>"123"}',
      '  Rendered users/show.html.erb within layouts/application (0.3ms)',
      'Completed 200 OK in 4ms (Views: 3.2ms | ActiveRecord: 0.0ms)',
    ].join('\n')
    const out = parseWith(conf, text)
    expect(out.records[0].time).toEqual(new EventTime(utc(2013, 6, 14, 3, 0, 11)))
    expect(out.records[0].record).toEqual({
      method: 'GET',
      path: '/users/123/',
      host: '127.0.0.1',
      controller: 'UsersController',
      controller_method: 'show',
      format: 'HTML',
      parameters: '{"user_id"=>"123"}',
      template: 'users/show.html.erb',
      layout: 'layouts/application',
      code: '200',
      runtime: '4',
      view_runtime: '3.2',
      ar_runtime: '0.0',
    })
  })

  it('keeps the time key, and gives several records for one text', () => {
    const kept = parseWith(
      '@type multiline\nformat1 /^(?<time>\\d{4}-\\d{1,2}-\\d{1,2} \\d{1,2}:\\d{1,2}:\\d{1,2})/\nkeep_time_key true',
      '2013-3-03 14:27:33',
    )
    expect(kept.records[0].record).toEqual({ time: '2013-3-03 14:27:33' })
    const two = parseWith('@type multiline\nformat1 /^message (?<id>\\d)/', 'message 1\nmessage 2')
    expect(two.records.map((r) => r.record)).toEqual([{ id: '1' }, { id: '2' }])
  })

  it('makes unmatched text a record with unmatched_lines (test_parse_unmatched_lines), else unmatched', () => {
    const out = parseWith('@type multiline\nformat1 /^message (?<message_id>\\d)/\nunmatched_lines true', 'message 1\nmessage a')
    expect(out.records.map((r) => r.record)).toEqual([{ message_id: '1' }, { unmatched_line: 'message a' }])
    const plain = parseWith('@type multiline\nformat1 /^message (?<message_id>\\d)/', 'message 1\nmessage a')
    expect(plain).toMatchObject({ returned: 1, lastFailure: 'unmatched', lastUnmatched: 1 })
  })

  it('refuses bad formats as Fluentd does', () => {
    // format21 and beyond are not params of multiline: "not used" (a warning, as sluice reports unknown params; Fluentd raises)
    expect(() => buildParser('@type multiline\nformat100 /(?<msg>.*)/')).toThrow(/No named captures/)
    expect(() => buildParser('@type multiline\nformat1 /(?<msg>.*)/\nformat3 /(?<msg>.*)/')).toThrow(
      'Jump of format index found. format2 is missing.',
    )
    expect(() => buildParser('@type multiline\nformat1 /(?<msg>.*)')).toThrow("format should be Regexp, need //, in format1: '/(?<msg>.*)'")
    expect(() => buildParser('@type multiline\nformat1 /.*/')).toThrow(/No named captures/)
    expect(() => buildParser('@type multiline\nformat1 /(?<a>.)/\nformat_firstline ^x')).toThrow(/format_firstline/)
  })
})

describe('parser_multiline stream (in_tail)', () => {
  const conf = '@type multiline\nformat_firstline /^\\d{4}-/\nformat1 /^(?<time>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) (?<message>.*)/'

  it('with format_firstline: a first line ends the record before it; flush ends the last', () => {
    const stream = buildParser(conf).newStream!()
    const { records, unmatched } = feed(stream, [
      'orphan before any first line',
      '2024-01-02 03:04:05 first',
      '  at a',
      '  at b',
      '2024-01-02 03:04:06 second',
    ])
    expect(records.map((r) => r.record)).toEqual([{ message: 'first\n  at a\n  at b' }, { message: 'second' }])
    expect(records[0].time).toEqual(new EventTime(utc(2024, 1, 2, 3, 4, 5)))
    expect(unmatched).toEqual([['orphan before any first line', 'got incomplete line before first line']])
  })

  it('holds the last record until flush, and says so', () => {
    const stream = buildParser(conf).newStream!()
    const first = feed(stream, ['2024-01-02 03:04:05 first', '  more'], false)
    expect(first.records).toEqual([])
    expect(stream.pending).toBe(true)
    const rest = feed(stream, [], true)
    expect(rest.records.map((r) => r.record)).toEqual([{ message: 'first\n  more' }])
    expect(stream.pending).toBe(false)
  })

  it('without format_firstline: emits as soon as the held lines parse', () => {
    const stream = buildParser('@type multiline\nformat1 /^BEGIN\\n(?<body>.*)\\nEND$/').newStream!()
    const { records, unmatched } = feed(stream, ['BEGIN', 'a', 'b', 'END', 'BEGIN', 'c', 'END', 'BEGIN', 'never ends'])
    expect(records.map((r) => r.record)).toEqual([{ body: 'a\nb' }, { body: 'c' }])
    expect(unmatched).toEqual([['BEGIN\nnever ends', 'pattern not matched']])
  })

  it('caps what it holds at max_joined_size', () => {
    const stream = buildParser(`${conf}\nmax_joined_size 64`).newStream!()
    const lines = ['2024-01-02 03:04:05 start', ...Array.from({ length: 10 }, (_, i) => `  continuation line ${i}`)]
    const { records, unmatched } = feed(stream, lines)
    expect(records).toHaveLength(1)
    expect(String(records[0].record.message).length).toBeLessThan(100)
    expect(unmatched.length).toBeGreaterThan(0)
    expect(unmatched[0][1]).toBe('got incomplete line before first line')
  })
})
