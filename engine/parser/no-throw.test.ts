/**
 * @module Property tests: no parser throws on any input. Every shipped parser (in the configs
 * users write) gets random bytes, random text, and random text shaped like its format; `parse`
 * must return, its outcome must be consistent (records appended = the count returned; a failure is
 * reported when nothing was), and streams must take any lines and flush. The time readers take any
 * string too. Records written must be valid msgpack maps.
 */

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CaptureSink } from './capture-sink.ts'
import { INVALID, isMap, skip, TRUNCATED } from './record-reader.ts'
import { buildParser, NOW } from './testing.ts'
import { createTimeParser } from './time-parser.ts'
import { guessTime, readIso8601 } from '../time/guess.ts'
import { compileStrptime } from '../time/strptime.ts'

const CONFIGS = [
  '@type json',
  '@type json\ntime_format %iso8601\ntypes a:integer,b:float,c:bool,d:time,e:array',
  '@type regexp\nexpression /^(?<time>\\S+ \\S+) (?<level>\\w+) (?<message>.*)$/\ntime_format %Y-%m-%d %H:%M:%S.%L',
  '@type apache_error',
  '@type nginx',
  '@type apache',
  '@type apache2',
  '@type none',
  '@type ltsv\nnull_value_pattern ^-$',
  '@type ltsv\ndelimiter_pattern /\\s+/\nlabel_delimiter =',
  '@type csv\nkeys a,b,c',
  '@type csv\nkeys a,b,c\nparser_engine fast',
  '@type tsv\nkeys a,b',
  '@type syslog',
  '@type syslog\nwith_priority true\nmessage_format auto',
  '@type syslog\nparser_engine string\nmessage_format auto\nwith_priority true',
  '@type syslog\nmessage_format rfc5424\nparser_engine string',
  '@type multiline\nformat_firstline /^\\d/\nformat1 /^(?<time>\\d+) (?<m>.*)/\ntime_type unixtime',
  '@type multiline\nformat1 /(?<x>a+)/\nunmatched_lines true',
  '@type msgpack',
  '@type msgpack\ntime_key t\ntime_type float\nnull_empty_string true',
  '@type cri',
  '@type cri\n<parse>\n@type json\n</parse>',
  '@type docker',
  '@type json\ntime_type mixed\ntime_format %iso8601\ntime_format_fallbacks unixtime, %d/%b/%Y:%H:%M:%S %z',
]

/** Text shaped like the formats: fragments the parsers look for, in random order. */
const shaped = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<13>',
        '<165>1 ',
        'Feb 28 12:00:00 ',
        '2020-04-25T17:47:34.356937755Z',
        ' stdout ',
        ' P ',
        ' F ',
        '{"time":',
        '{"log":"x","stream":"stdout","time":',
        '[',
        ']',
        '{',
        '}',
        '"',
        '""',
        ',',
        ':',
        '\t',
        ' ',
        '\n',
        '\r',
        '\\',
        '-',
        ' - - ',
        '[28/Feb/2013:12:00:00 +0900]',
        '"GET / HTTP/1.1" 200 777',
        '1e400',
        '18446744073709551616',
        '\u{1F600}',
        '\uFFFD',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''))

const utf8 = new TextEncoder()

function checkOutcome(records: CaptureSink, returned: number, parser: { lastFailure?: unknown; lastError: string }): void {
  expect(returned).toBe(records.records.length)
  if (returned === 0)
    expect(parser.lastFailure === 'unmatched' || parser.lastFailure === 'invalid' || parser.lastFailure === null).toBe(true)
  if (parser.lastFailure !== null) expect(parser.lastError).not.toBe('')
  for (const r of records.records) {
    expect(isMap(r.bytes, 0)).toBe(true)
    const end = skip(r.bytes, 0, r.bytes.length)
    expect(end === TRUNCATED || end === INVALID).toBe(false)
    expect(end).toBe(r.bytes.length)
  }
}

describe('no parser throws', () => {
  const parsers = CONFIGS.map((conf) => [conf.split('\n').join(' | '), buildParser(conf)] as const)

  it.each(parsers)('%s: random bytes, text and format-shaped text', (_name, parser) => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.string({ maxLength: 200 }).map((s) => utf8.encode(s)),
          shaped.map((s) => utf8.encode(s)),
        ),
        (bytes) => {
          const sink = new CaptureSink()
          const returned = parser.parse(bytes, 0, bytes.length, sink, NOW)
          checkOutcome(sink, returned, parser)
        },
      ),
      { numRuns: 300 },
    )
  })

  it.each(parsers.filter(([, p]) => p.newStream !== undefined))('%s: a stream takes any lines and flushes', (_name, parser) => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 60 }),
            shaped.map((s) => utf8.encode(s)),
          ),
          { maxLength: 12 },
        ),
        (lines) => {
          const stream = parser.newStream!()
          const sink = new CaptureSink()
          let returned = 0
          const unmatched = () => {}
          for (const line of lines) returned += stream.push(line, 0, line.length, sink, NOW, unmatched)
          returned += stream.flush(sink, NOW, unmatched)
          expect(stream.pending).toBe(false)
          expect(returned).toBe(sink.records.length)
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('no time reader throws', () => {
  it('strptime, ISO 8601 and the guesser return or decline any text', () => {
    const formats = ['%Y-%m-%dT%H:%M:%S.%N%z', '%b %d %H:%M:%S', '%d/%b/%Y:%H:%M:%S %z', '%s', '%G-W%V-%u', '%c', '%j %U %W %p %I']
    const matchers = formats.map(compileStrptime)
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), shaped), (text) => {
        for (const m of matchers) m(text)
        readIso8601(text)
        guessTime(text)
      }),
      { numRuns: 500 },
    )
  })

  it('the time parsers throw only their TimeParseError', () => {
    const parsers = [
      createTimeParser({ type: 'string', format: null, zone: null }),
      createTimeParser({ type: 'string', format: '%iso8601', zone: null }),
      createTimeParser({ type: 'float', format: null, zone: null }),
      createTimeParser({ type: 'unixtime', format: null, zone: null }),
      createTimeParser({ type: 'mixed', format: '%Y-%m-%d', fallbacks: ['float'], zone: null }),
    ]
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), shaped, fc.anything()), (value) => {
        for (const p of parsers) {
          try {
            p.parse(value, NOW.sec)
          } catch (error) {
            expect((error as Error).name).toBe('Fluent::TimeParser::TimeParseError')
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})
