/**
 * @module What in_tail adds to records, on their msgpack bytes: path_key appended to a map of
 * any size (fixmap → map16 at 16 pairs), kept when the record has a value there, set when it
 * holds nil or false (Ruby's `||=`); and the `{"unmatched_line": line}` record.
 */

import { decodeMulti, encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { EventTime, eventTimeCodec } from '../../../engine/event-time.ts'
import { RecordSink } from './records.ts'

function records(sink: RecordSink): unknown[] {
  return [...decodeMulti(sink.take().entries, { extensionCodec: eventTimeCodec })].map((e) => (e as [unknown, unknown])[1])
}

describe('RecordSink', () => {
  it('adds path_key to encoded records of any size, unless a value is there', () => {
    const sink = new RecordSink('file')
    sink.setPath('/var/log/a.log')
    const fifteen = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i]))
    for (const record of [{}, { a: 1 }, fifteen, { file: 'mine' }, { file: null }, { file: false }, { file: 0 }]) {
      const bytes = encode(record)
      sink.appendEncoded(1, 2, bytes, 0, bytes.length)
    }
    expect(records(sink)).toEqual([
      { file: '/var/log/a.log' },
      { a: 1, file: '/var/log/a.log' },
      { ...fifteen, file: '/var/log/a.log' },
      { file: 'mine' },
      { file: '/var/log/a.log' },
      { file: '/var/log/a.log' },
      { file: 0 },
    ])
  })

  it('adds path_key to records given as objects, and writes unmatched lines', () => {
    const sink = new RecordSink('file')
    sink.setPath('/x.log')
    sink.append(new EventTime(1, 0), { m: 'x' })
    sink.appendUnmatched(new TextEncoder().encode('bad line'), new EventTime(1, 0))
    expect(records(sink)).toEqual([
      { m: 'x', file: '/x.log' },
      { unmatched_line: 'bad line', file: '/x.log' },
    ])
    const plain = new RecordSink(null)
    plain.appendUnmatched(new TextEncoder().encode('x'.repeat(300)), new EventTime(1, 0))
    expect(records(plain)).toEqual([{ unmatched_line: 'x'.repeat(300) }])
  })
})
