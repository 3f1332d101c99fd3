/**
 * @module The edge answers' suite (`responses: 'edge'`) on `app.request` under Node, plus unit
 * tables for the item readers (lines, indexes: JSON through the core's transcoder, msgpack object
 * numbers), the edge params and the entries writer.
 */

import { describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import { loadCore } from '../../wasm/load-node.ts'
import { streamFromEvents } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import { runEdgeIngestSuite } from './edge.cases.ts'
import { EDGE_DEFAULTS } from './edge-schema.ts'
import { edgeOptionsFromParams } from './ingest-cases/params.ts'
import { EntriesWriter } from '../records/entries-writer.ts'
import { readMsgpackItems } from './items.ts'
import { appRequestTarget } from './ingest-cases/app-target.ts'

runEdgeIngestSuite('app.request', async (params, now) => appRequestTarget(await loadCore(), { ...edgeOptionsFromParams(params), now }))

const bytes = (s: string) => new TextEncoder().encode(s)

describe('item readers', () => {
  it('JSON: the whole text first, else one JSON text per line (line numbers count blank lines)', async () => {
    const core = await loadCore()
    const items = (text: string, framing: 'value' | 'lines') => {
      const o = core.json.entries(bytes(text), { framing, now: { sec: 0, nsec: 0 } })
      const got = o.status === 0 ? o : core.json.entries(bytes(text), { framing: 'lines', now: { sec: 0, nsec: 0 } })
      return got.items.map((i) => [i.status, i.line, i.index])
    }
    expect(items('{\n  "a": 1\n}', 'value')).toEqual([[0, 1, -1]])
    expect(items('{"a":1}\n\n{"a":2}', 'value')).toEqual([
      [0, 1, -1],
      [0, 3, -1],
    ])
    expect(items('   ', 'value')).toEqual([])
    expect(items('[{"a":1}]', 'lines')).toEqual([[0, 1, 0]])
  })

  it('numbers msgpack objects and stops at undecodable bytes', () => {
    const items = readMsgpackItems(new Uint8Array([...encode({ a: 1 }), ...encode(5), 0xc1, ...encode({ b: 2 })]))
    expect(items.map((i) => [i.line, i.record ?? i.error?.slice(0, 15)])).toEqual([
      [1, { a: 1 }],
      [2, 'not an object o'],
      [3, 'invalid msgpack'],
    ])
  })
})

describe('edge params', () => {
  it('defaults fit an isolate and respond the edge way; fluentd responses can be asked for', () => {
    const o = edgeOptionsFromParams({})
    expect(o).toMatchObject({
      responses: 'edge',
      bodySizeLimit: EDGE_DEFAULTS.body_size_limit,
      decompressionSizeLimit: EDGE_DEFAULTS.decompression_size_limit,
      maxEventsPerRequest: 10_000,
      recordSizeLimit: 100 * 1024,
    })
    expect(edgeOptionsFromParams({ responses: 'fluentd', record_size_limit: '1k' })).toMatchObject({
      responses: 'fluentd',
      recordSizeLimit: 1024,
    })
    expect(() => edgeOptionsFromParams({ responses: 'plain' })).toThrow(/responses/)
    expect(() => edgeOptionsFromParams({ max_events_per_request: 0 })).toThrow('max_events_per_request must be at least 1')
  })
})

describe('EntriesWriter', () => {
  it('writes the same bytes as streamFromEvents, and undoes a refused entry', () => {
    const events = [
      { time: new EventTime(1441588984, 123456789), record: { a: 1, s: 'ü', big: 2n ** 63n, t: new EventTime(1, 2) } },
      { time: new EventTime(0, 0), record: {} },
    ]
    const w = new EntriesWriter(8)
    for (const e of events) w.append(e.time, e.record)
    const length = w.length
    expect(w.append(new EventTime(5), { pad: 'x'.repeat(5000) })).toBe(5008)
    w.truncate(length, 2)
    expect(w.count).toBe(2)
    expect(w.bytes()).toEqual(streamFromEvents('t', events).entries)
  })
})
