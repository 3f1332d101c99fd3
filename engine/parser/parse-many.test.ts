/**
 * @module One suite for the batch form of every parser that has one (`parseMany`: parser_json's
 * one core call, TextParser's one decode per ASCII batch): over the same lines it must give what
 * `parse` gives line by line — the same entries in the same order, the same failures for the same
 * lines — into a sink that takes whole entry blocks (`appendEntries`) and into one that does not.
 */

import { describe, expect, it } from 'vitest'
import { EntriesWriter } from '../records/entries-writer.ts'
import { buildParser, NOW } from './testing.ts'
import { type EntrySink, failureOf, type ParseFailure, type ParserPlugin } from './types.ts'

const encoder = new TextEncoder()

/** Lines joined by `\n` (or `\r\n`), and their `[start, end)` ranges without the line ends. */
function batch(lines: (string | Uint8Array)[], crlf = false): { bytes: Uint8Array; ranges: Int32Array } {
  const parts = lines.map((l) => (typeof l === 'string' ? encoder.encode(l) : l))
  const end = encoder.encode(crlf ? '\r\n' : '\n')
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length + end.length, 0))
  const ranges = new Int32Array(2 * parts.length)
  let at = 0
  parts.forEach((p, i) => {
    bytes.set(p, at)
    ranges[2 * i] = at
    ranges[2 * i + 1] = at + p.length
    bytes.set(end, at + p.length)
    at += p.length + end.length
  })
  return { bytes, ranges }
}

/** An EntriesWriter seen through EntrySink's required methods only (no appendEntries). */
function perRecordSink(writer: EntriesWriter): EntrySink {
  return {
    append: (time, record) => writer.append(time, record),
    appendEncoded: (sec, nsec, bytes, start, end) => writer.appendEncoded(sec, nsec, bytes, start, end),
  }
}

interface Outcome {
  entries: number[]
  count: number
  failures: [number, ParseFailure][]
}

function oneByOne(parser: ParserPlugin, bytes: Uint8Array, ranges: Int32Array): Outcome {
  const writer = new EntriesWriter()
  const failures: [number, ParseFailure][] = []
  for (let i = 0; i < ranges.length / 2; i++) {
    const n = parser.parse(bytes, ranges[2 * i], ranges[2 * i + 1], writer, NOW)
    const failure = failureOf(parser, n)
    if (failure !== null) failures.push([i, failure])
  }
  return { entries: [...writer.bytes()], count: writer.count, failures }
}

function batched(parser: ParserPlugin, bytes: Uint8Array, ranges: Int32Array, wholeBlocks: boolean): Outcome {
  const writer = new EntriesWriter()
  const failures: [number, ParseFailure][] = []
  const sink = wholeBlocks ? writer : perRecordSink(writer)
  const n = parser.parseMany!(bytes, ranges, ranges.length / 2, sink, NOW, (i, f) => failures.push([i, f]))
  expect(n).toBe(writer.count)
  return { entries: [...writer.bytes()], count: writer.count, failures }
}

const APACHE = '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties'
const APACHE2 = '[Sun Dec 04 04:51:08 2005] [error] [client 10.0.0.1] jk2_init() Found child 6725 in scoreboard slot 10'

const cases: { name: string; parse: string; lines: (string | Uint8Array)[] }[] = [
  {
    name: 'json, every line a plain record (one block)',
    parse: '@type json',
    lines: ['{"a":1,"msg":"x"}', '{"b":[1,2],"c":{"d":null}}', '{"time":1700000001,"e":"f"}', '{"time":1700000002.5}'],
  },
  {
    name: 'json with bad, non-object, array, blank, non-ASCII and non-UTF-8 lines',
    parse: '@type json',
    lines: [
      '{"a":1}',
      '{"a":',
      '42',
      '[{"x":1},{"y":2}]',
      '',
      '{"k":"héllo ✓"}',
      Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d),
      '{"z":true}',
    ],
  },
  {
    name: 'json with string times and time_format',
    parse: '@type json\ntime_format %Y-%m-%d %H:%M:%S',
    lines: ['{"time":"2024-01-02 03:04:05","a":1}', '{"time":"not a time","a":2}', '{"a":3}'],
  },
  {
    name: 'json with types and null_empty_string',
    parse: '@type json\ntypes n:integer\nnull_empty_string true',
    lines: ['{"n":"12","s":""}', '{"n":"x","s":"y"}'],
  },
  {
    name: 'json with estimate_current_event false',
    parse: '@type json\nestimate_current_event false',
    lines: ['{"time":1700000001,"a":1}', '{"a":2}'],
  },
  { name: 'apache_error, ASCII batch', parse: '@type apache_error', lines: [APACHE, APACHE2, 'not an apache line', APACHE] },
  {
    name: 'apache_error with non-ASCII and non-UTF-8 lines',
    parse: '@type apache_error',
    lines: [APACHE, `${APACHE2} — ünïcode`, Uint8Array.of(0x5b, 0xc3, 0x28, 0x5d), APACHE],
  },
  {
    name: 'regexp with a time_format that refuses a line',
    parse: '@type regexp\nexpression /^(?<time>\\S+) (?<msg>.*)$/\ntime_format %Y-%m-%dT%H:%M:%S',
    lines: ['2024-01-02T03:04:05 one', 'garbage two', 'nospace', '2024-01-02T03:04:06 three'],
  },
  { name: 'ltsv', parse: '@type ltsv', lines: ['a:1\tb:2', 'c:3', ''] },
  { name: 'csv', parse: '@type csv\nkeys a,b', lines: ['1,2', '"x,y",3', '"unterminated'] },
]

describe('parseMany gives what parse gives line by line', () => {
  for (const c of cases) {
    for (const crlf of [false, true]) {
      it(`${c.name}${crlf ? ' (CRLF between lines)' : ''}`, () => {
        const { bytes, ranges } = batch(c.lines, crlf)
        const expected = oneByOne(buildParser(c.parse), bytes, ranges)
        const parser = buildParser(c.parse)
        expect(parser.parseMany).toBeDefined()
        expect(batched(parser, bytes, ranges, true)).toEqual(expected)
        expect(batched(parser, bytes, ranges, false)).toEqual(expected)
        // The same parser instance again (state left by a batch must not leak into the next).
        expect(batched(parser, bytes, ranges, true)).toEqual(expected)
      })
    }
  }

  it('a batch that is all plain JSON records goes to the sink as one block', () => {
    const { bytes, ranges } = batch(['{"a":1}', '{"b":2}', '{"c":3}'])
    const writer = new EntriesWriter()
    const blocks: number[] = []
    const sink: EntrySink = {
      append: (t, r) => writer.append(t, r),
      appendEncoded: () => blocks.push(-1),
      appendEntries: (b, s, e, n) => {
        blocks.push(n)
        writer.appendEntries(b, s, e, n)
      },
    }
    expect(buildParser('@type json').parseMany!(bytes, ranges, 3, sink, NOW, () => undefined)).toBe(3)
    expect(blocks).toEqual([3])
    expect(writer.count).toBe(3)
  })
})
