/**
 * @module Sample parsing: JSON arrays, NDJSON, plain lines and mixes; envelopes (tap events and
 * Fluentd's Message form); exact 64-bit integers; one problem per bad line, the rest kept.
 */

import { decode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { EventTime, eventTimeCodec } from '../event-time.ts'
import { parseJsonLossless } from './json.ts'
import { parseSamples, type Sample } from './samples.ts'

const NOW = 1_700_000_000_000
const recordOf = (s: Sample) => (decode(s.entry, { extensionCodec: eventTimeCodec, useBigInt64: true }) as [EventTime, unknown])[1]
const timeOf = (s: Sample) => (decode(s.entry, { extensionCodec: eventTimeCodec, useBigInt64: true }) as [EventTime, unknown])[0]

describe('parseJsonLossless', () => {
  it('keeps integers beyond 32 bits exact as bigint and leaves the rest to JSON.parse', () => {
    expect(parseJsonLossless('{"a": 1, "b": 1.5, "c": "x"}')).toEqual({ a: 1, b: 1.5, c: 'x' })
    expect(
      parseJsonLossless('{"u": 18446744073709551615, "i": -9223372036854775808, "n": [9007199254740993, 4294967296, 4294967295]}'),
    ).toEqual({ u: 18446744073709551615n, i: -9223372036854775808n, n: [9007199254740993n, 4294967296n, 4294967295] })
    expect(parseJsonLossless('{"s": "12345678901234567890", "f": 12345678901234567890.5, "e": 1e21}')).toEqual({
      s: '12345678901234567890',
      // biome-ignore lint/correctness/noPrecisionLoss: the rounding is what is tested
      f: 12345678901234567890.5,
      e: 1e21,
    })
  })

  it('reports where the text stops being JSON', () => {
    expect(() => parseJsonLossless('{"a": 12345678901, }')).toThrow(/at position 19/)
    expect(() => parseJsonLossless('[1, 2')).toThrow(/expected ',' or ']' at position 5/)
  })

  it('keeps a "__proto__" key as data', () => {
    const v = parseJsonLossless('{"__proto__": {"x": 12345678901}}') as Record<string, unknown>
    expect(Object.keys(v)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
  })
})

describe('parseSamples', () => {
  it('reads NDJSON objects, envelopes, Fluentd Message arrays and plain lines, in order', () => {
    const text = [
      '{"level":"info","msg":"hello"}',
      '',
      '{"tag":"app.db","time":1441588984,"record":{"q":"select"}}',
      '["app.web", 1441588984.5, {"path":"/"}]',
      '127.0.0.1 - - [GET /]',
    ].join('\n')
    const { samples, problems } = parseSamples(text, { tag: 'app.log', now: NOW })
    expect(problems).toEqual([])
    expect(samples.map((s) => [s.tag, s.line])).toEqual([
      ['app.log', 1],
      ['app.db', 3],
      ['app.web', 4],
      ['app.log', 5],
    ])
    expect(samples.map(recordOf)).toEqual([
      { level: 'info', msg: 'hello' },
      { q: 'select' },
      { path: '/' },
      { message: '127.0.0.1 - - [GET /]' },
    ])
    expect(timeOf(samples[0])).toEqual(new EventTime(1_700_000_000, 0))
    expect(timeOf(samples[1])).toEqual(new EventTime(1441588984, 0))
    expect(timeOf(samples[2])).toEqual(new EventTime(1441588984, 500_000_000))
  })

  it('reads a pretty-printed JSON array as one sample per element, with their lines', () => {
    const text = '[\n  {"a": 1},\n  {\n    "b": 2\n  },\n  3\n]'
    const { samples, problems } = parseSamples(text, { now: NOW })
    expect(samples.map(recordOf)).toEqual([{ a: 1 }, { b: 2 }])
    expect(samples.map((s) => s.line)).toEqual([2, 3])
    expect(samples[0].tag).toBe('sample')
    expect(problems).toEqual([{ line: 6, message: 'a sample must be a JSON object (a record), got number 3' }])
  })

  it('keeps 64-bit integers exact in the msgpack entry', () => {
    const { samples } = parseSamples('{"id": 18446744073709551615, "ms": 1700000000123}', { now: NOW })
    expect(recordOf(samples[0])).toEqual({ id: 18446744073709551615n, ms: 1700000000123n })
  })

  it('in json/ndjson format reports non-JSON lines and keeps the others; in lines format takes every line as text', () => {
    const text = '{"a":1}\nnot json\n{"b":'
    const strict = parseSamples(text, { format: 'ndjson', now: NOW })
    expect(strict.samples.map(recordOf)).toEqual([{ a: 1 }])
    expect(strict.problems.map((p) => p.line)).toEqual([2, 3])
    const lines = parseSamples(text, { format: 'lines', now: NOW })
    expect(lines.samples.map(recordOf)).toEqual([{ message: '{"a":1}' }, { message: 'not json' }, { message: '{"b":' }])
  })

  it('reports bad envelope fields', () => {
    const { samples, problems } = parseSamples('{"tag": 5, "record": {}}\n{"time": "yesterday", "record": {}}', { now: NOW })
    expect(samples).toEqual([])
    expect(problems.map((p) => p.message)).toEqual([
      'the "tag" of a sample must be a string',
      'invalid sample time the string "yesterday": use seconds since the epoch or an ISO 8601 date',
    ])
  })
})
