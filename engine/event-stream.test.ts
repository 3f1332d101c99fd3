/**
 * @module Event streams: records round-trip exactly (64-bit integers, EventTime), and integers
 * beyond 32 bits are written as msgpack integers as Fluentd writes them, never as floats.
 */

import { describe, expect, it } from 'vitest'
import { decode } from '@msgpack/msgpack'
import { loadCore } from '../wasm/load-node.ts'
import { EventTime } from './event-time.ts'
import { decodeRecord, decodeStream, encodeRecord, streamFromEvents } from './event-stream.ts'

describe('event streams', () => {
  it('writes safe integers beyond 32 bits as uint64 / int64, not float64', () => {
    const bytes = encodeRecord({ ms: 1700000000123, neg: -1700000000123, small: 5, f: 1.5 })
    const hex = Buffer.from(bytes).toString('hex')
    expect(hex).toContain('cf0000018bcfe5687b')
    expect(hex).toContain('d3fffffe74301a9785')
    expect(hex).toContain('cb3ff8000000000000')
    expect(decode(bytes)).toEqual({ ms: 1700000000123, neg: -1700000000123, small: 5, f: 1.5 })
  })

  it('keeps bigints exact and reads EventTime back', async () => {
    const core = await loadCore()
    const record = { big: 18446744073709551615n, min: -9223372036854775808n, s: 'x' }
    const stream = streamFromEvents('t', [{ time: new EventTime(1441588984, 123456789), record }])
    const [event] = decodeStream(core, stream)
    expect(event.time).toEqual(new EventTime(1441588984, 123456789))
    expect(event.record).toEqual(record)
    expect(decodeRecord(encodeRecord(record))).toEqual(record)
  })
})
