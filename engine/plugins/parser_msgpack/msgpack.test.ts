/**
 * @module parser_msgpack: cases derived from Fluentd's test_parser_msgpack.rb (a map, an array of
 * maps, a string, arrays with non-maps, null_empty_string), the time field cut at the byte level,
 * malformed and truncated input, and a stream of chunks.
 */

import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { EventTime } from '../../event-time.ts'
import { buildParser, feed, NOW, parseWith } from '../../parser/testing.ts'

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))

describe('parser_msgpack', () => {
  it.each([
    ['a map', '\x82\xA7message\xADHello msgpack\xA3numd', [{ message: 'Hello msgpack', num: 100 }], 0],
    ['an array of maps', '\x92\x81\xA7message\xA3foo\x81\xA7message\xA3bar', [{ message: 'foo' }, { message: 'bar' }], 0],
    ['a string', '\xADHello msgpack', [], 1],
    ['an array of strings', '\x92\xA3foo\xA3bar', [], 2],
    ['an array of a string and a map', '\x92\xA3foo\x81\xA7message\xA3bar', [{ message: 'bar' }], 1],
  ])('%s', (_name, input, expected, unmatched) => {
    const out = parseWith('@type msgpack', bytes(input))
    expect(out.records.map((r) => r.record)).toEqual(expected)
    expect(out.lastUnmatched).toBe(unmatched)
  })

  it('passes records as their bytes, cutting the time field out', () => {
    const record = encode({ a: 1, time: 1362020400, b: 'x' })
    // time_type is string by default, as in Fluentd: an integer time needs unixtime (or float)
    expect(parseWith('@type msgpack\ntime_key time', record).lastError).toBe('value must be string: 1362020400')
    const out = parseWith('@type msgpack\ntime_key time\ntime_type unixtime', record)
    expect(out.records[0].time).toEqual(new EventTime(1362020400))
    expect(out.records[0].bytes).toEqual(encode({ a: 1, b: 'x' }))
    const kept = parseWith('@type msgpack\ntime_key time\nkeep_time_key true\ntime_type unixtime', record)
    expect(kept.records[0].bytes).toEqual(record)
    expect(parseWith('@type msgpack', record).records[0]).toMatchObject({ time: NOW, bytes: record })
  })

  it('applies null_empty_string to every record (fluentd#4100)', () => {
    expect(parseWith('@type msgpack\nnull_empty_string', bytes('\x82\xA7message\xA3foo\xA5empty\xA0')).records[0].record).toEqual({
      message: 'foo',
      empty: null,
    })
    const two = parseWith(
      '@type msgpack\nnull_empty_string',
      bytes('\x92\x82\xA7message\xA3foo\xA5empty\xA0\x82\xA7message\xA3bar\xA5empty\xA0'),
    )
    expect(two.records.map((r) => r.record)).toEqual([
      { message: 'foo', empty: null },
      { message: 'bar', empty: null },
    ])
  })

  it('reads several objects in one input; truncated and malformed input never throws', () => {
    const two = new Uint8Array([...encode({ a: 1 }), ...encode({ b: 2 })])
    expect(parseWith('@type msgpack', two).records.map((r) => r.record)).toEqual([{ a: 1 }, { b: 2 }])
    expect(parseWith('@type msgpack', two.subarray(0, two.length - 1))).toMatchObject({
      returned: 1,
      lastFailure: 'unmatched',
      lastError: 'the input ends inside a msgpack object',
    })
    expect(parseWith('@type msgpack', new Uint8Array([0x81, 0xa1, 0x61, 0xc1]))).toMatchObject({ returned: 0, lastFailure: 'invalid' })
    const deep = new Uint8Array(100_000).fill(0x91)
    expect(parseWith('@type msgpack', deep)).toMatchObject({ returned: 0, lastFailure: 'invalid' }) // nested deeper than 512
  })

  it('joins an object cut between chunks of a stream', () => {
    const stream = buildParser('@type msgpack').newStream!()
    const all = new Uint8Array([...encode({ a: 1 }), ...encode({ b: 'two' }), ...encode(['x', { c: 3 }])])
    const chunks = [all.subarray(0, 3), all.subarray(3, 9), all.subarray(9)]
    const { records, unmatched } = feed(stream, chunks)
    expect(records.map((r) => r.record)).toEqual([{ a: 1 }, { b: 'two' }, { c: 3 }])
    expect(unmatched).toHaveLength(1)
    const cut = feed(buildParser('@type msgpack').newStream!(), [all.subarray(0, 3)])
    expect(cut.unmatched[0][1]).toBe('the input ends inside a msgpack object')
  })
})
