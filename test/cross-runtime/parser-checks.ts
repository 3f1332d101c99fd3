/**
 * @module The parser checks every runtime (Node, workerd, Chromium) runs: each parses a line with a
 * shipped parser and compares the event time and the record's msgpack bytes with literals, so zones
 * (IANA names through Intl), strptime, the core's JSON transcoder (and the host's time patching)
 * and the msgpack writer give the same bytes everywhere. Runtime-neutral: only engine/, wasm/ and
 * what every JS engine has; the runtime hands over its core.
 */

import type { Core } from '../../wasm/core.ts'
import { CaptureSink } from '../../engine/parser/capture-sink.ts'
import { buildParser, useTestCore } from '../../engine/parser/testing.ts'
import { parseMany } from '../../engine/parser/types.ts'
import { EventTime } from '../../engine/event-time.ts'
import { type CheckResult, hex, toHex } from './core-checks.ts'

interface ParserCheck {
  name: string
  conf: string
  /** One input for `parse`, or several lines: one `parse` each (or, with `many`, one `parseMany` over them all). */
  input: string | string[]
  many?: true
  /** `sec.nsec hex` per record. */
  expected: string[]
}

const NOW = new EventTime(1_700_000_000, 0)
const utf8 = new TextEncoder()

const CHECKS: ParserCheck[] = [
  {
    name: 'json: ISO 8601 time with nanoseconds, ordered keys, float and uint64',
    conf: '@type json',
    input: '{"time":"2020-04-25T17:47:34.356937755Z","2":"a","f":1.0,"u":18446744073709551615}',
    expected: [`1587836854.356937755 ${toHex(hex('83 a1 32 a1 61 a1 66 cb 3f f0 00 00 00 00 00 00 a1 75 cf ff ff ff ff ff ff ff ff'))}`],
  },
  {
    name: 'syslog: RFC 3164 in Asia/Tokyo (IANA zone through Intl)',
    conf: '@type syslog\ntimezone Asia/Tokyo',
    input: 'Feb 28 12:00:00 host app[7]: hello',
    expected: [
      `1677553200.000000000 ${toHex(hex('84 a4 686f7374 a4 686f7374 a5 6964656e74 a3 617070 a3 706964 a1 37 a7 6d657373616765 a5 68656c6c6f'))}`,
    ],
  },
  {
    name: 'regexp: America/New_York summer and winter offsets',
    conf: '@type regexp\nexpression /^(?<time>[^ ]+ [^ ]+) (?<m>.*)$/\ntime_format %Y-%m-%d %H:%M:%S\ntimezone America/New_York',
    input: ['2026-07-01 12:00:00 summer', '2026-01-01 12:00:00 winter'],
    expected: [
      `1782921600.000000000 ${toHex(hex('81 a1 6d a6 73756d6d6572'))}`,
      `1767286800.000000000 ${toHex(hex('81 a1 6d a6 77696e746572'))}`,
    ],
  },
  {
    name: 'csv: Ruby CSV quoting',
    conf: '@type csv\nkeys a,b,c\ntime_key a\ntime_format %s',
    input: '1700000001,"x,""y""",',
    expected: [`1700000001.000000000 ${toHex(hex('82 a1 62 a5 782c227922 a1 63 c0'))}`],
  },
  {
    name: 'apache2: integers and nulls',
    conf: '@type apache2',
    input: '192.168.0.1 - - [28/Feb/2013:12:00:00 +0900] "GET / HTTP/1.1" 200 777 "-" "Opera/12.0"',
    expected: [
      `1362020400.000000000 ${toHex(hex('88 a4 686f7374 ab 3139322e3136382e302e31 a4 75736572 c0 a6 6d6574686f64 a3 474554 a4 70617468 a1 2f a4 636f6465 cc c8 a4 73697a65 cd 0309 a7 72656665726572 c0 a5 6167656e74 aa 4f706572612f31322e30'))}`,
    ],
  },
  {
    name: 'json: many lines in one core call, a string time patched by the host, unmatched lines reported',
    conf: '@type json\ntime_format %iso8601',
    input: ['{"time":"2020-04-25T17:47:34.5Z","a":1}', 'not json', '[{"b":"x"},2]'],
    many: true,
    expected: [
      `1587836854.500000000 ${toHex(hex('81 a1 61 01'))}`,
      `1700000000.000000000 ${toHex(hex('81 a1 62 a1 78'))}`,
      '1 unmatched 1',
      '2 unmatched 1',
    ],
  },
  {
    name: 'json: unixtime converted by the core, keep_time_key, null_empty_string on the bytes',
    conf: '@type json\ntime_type unixtime\nkeep_time_key true\nnull_empty_string true',
    input: '{"time":1700000001.9,"e":"","s":"v"}',
    expected: [`1700000001.000000000 ${toHex(hex('83 a4 74696d65 cb 41d954fc 4079999a a1 65 c0 a1 73 a1 76'))}`],
  },
]

function line(sec: number, nsec: number, bytes: Uint8Array): string {
  return `${sec}.${String(nsec).padStart(9, '0')} ${toHex(bytes)}`
}

/** Runs every parser check on `core`; never throws (a failure is a result). */
export function runParserChecks(core: Core): CheckResult[] {
  useTestCore(core)
  return CHECKS.map((check) => {
    try {
      const parser = buildParser(check.conf)
      let got: string[]
      if (typeof check.input === 'string') {
        const sink = new CaptureSink()
        const bytes = utf8.encode(check.input)
        parser.parse(bytes, 0, bytes.length, sink, NOW)
        got = sink.records.map((r) => line(r.sec, r.nsec, r.bytes))
      } else if (check.many) {
        const sink = new CaptureSink()
        const bytes = utf8.encode(check.input.join('\n'))
        const ranges: number[] = []
        for (let at = 0; at <= bytes.length; ) {
          const nl = bytes.indexOf(0x0a, at)
          const end = nl < 0 ? bytes.length : nl
          ranges.push(at, end)
          at = end + 1
        }
        const failed: string[] = []
        parseMany(parser, bytes, ranges, ranges.length / 2, sink, NOW, (i, f) => failed.push(`${i} ${f.kind} ${f.count}`))
        got = [...sink.records.map((r) => line(r.sec, r.nsec, r.bytes)), ...failed]
      } else {
        got = []
        for (const text of check.input) {
          const sink = new CaptureSink()
          const bytes = utf8.encode(text)
          parser.parse(bytes, 0, bytes.length, sink, NOW)
          got.push(...sink.records.map((r) => line(r.sec, r.nsec, r.bytes)))
        }
      }
      const ok = JSON.stringify(got) === JSON.stringify(check.expected)
      return { name: check.name, ok, detail: ok ? '' : `got ${JSON.stringify(got)}, expected ${JSON.stringify(check.expected)}` }
    } catch (error) {
      return { name: check.name, ok: false, detail: String(error) }
    }
  })
}

export const PARSER_CHECK_NAMES = CHECKS.map((c) => c.name)
