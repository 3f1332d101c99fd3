/**
 * @module The out_forward ChunkWriter on real sockets, with chunks built by hand: the wire format
 * (PackedForward with bin entries, options), acks (match, mismatch, timeout, lost connection),
 * failover between servers, gzip, time_as_integer, the keepalive pool and pipelined acks, and sluice's own
 * in_forward as the receiver.
 */

import { gunzipSync } from 'node:zlib'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../../../engine/event-time.ts'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import { chunkIdBase64 } from '../../../engine/output/chunk.ts'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { startForward, waitUntil, type ForwardHarness } from '../in_forward/testing.ts'
import { FakeReceiver, server, T, testChunk, writerOptions } from './testing.ts'
import { ForwardWriter } from './writer.ts'
import type { ForwardOutputOptions } from './options.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function writer(options: ForwardOutputOptions): { w: ForwardWriter; logs: LogRecord[] } {
  const logs: LogRecord[] = []
  const w = new ForwardWriter(
    core,
    options,
    createLogger((r) => logs.push(r), 'debug'),
  )
  cleanups.push(() => w.stop())
  return { w, logs }
}

async function receiver(): Promise<FakeReceiver> {
  const r = new FakeReceiver()
  await r.listen()
  cleanups.push(() => r.close())
  return r
}

describe('out_forward writer: the wire', () => {
  it('sends [tag, bin(entries), {"size": n}] and resolves once written (no ack wanted)', async () => {
    const r = await receiver()
    const { w } = writer(writerOptions([server(r.port)]))
    await w.start()
    const chunk = testChunk('app.log', 3)
    await w.write(chunk)
    await waitUntil(() => r.messages.length === 1, 'the message')
    const { message, raw } = r.messages[0]
    expect(message[0]).toBe('app.log')
    expect(new Uint8Array(message[1] as Uint8Array)).toEqual(chunk.entries)
    expect(message[2]).toEqual({ size: 3 })
    expect(raw[0]).toBe(0x93)
    expect(raw[1 + 1 + 7]).toBe(0xc4) // bin8 after fixstr "app.log"
  })

  it('asks for an ack with the chunk id as standard base64 and resolves only on the matching ack', async () => {
    const r = await receiver()
    r.answer = 'silent'
    const { w } = writer(writerOptions([server(r.port)], { requireAckResponse: true, ackResponseTimeoutMs: 5_000 }))
    const chunk = testChunk('app.log', 2)
    let done = false
    const writing = w.write(chunk).then(() => {
      done = true
    })
    await waitUntil(() => r.messages.length === 1, 'the message')
    expect(r.messages[0].message[2]).toEqual({ size: 2, chunk: chunkIdBase64(chunk.id) })
    expect(done).toBe(false)
    r.ackMessage(0)
    await writing
    expect(done).toBe(true)
  })

  it('rejects on a wrong ack, on an ack timeout (disabling the server) and when the connection is lost', async () => {
    const r = await receiver()
    const { w, logs } = writer(
      writerOptions([server(r.port)], {
        requireAckResponse: true,
        ackResponseTimeoutMs: 200,
        heartbeatType: 'transport',
        heartbeatIntervalMs: 60_000,
      }),
    )
    r.answer = 'wrong-ack'
    await expect(w.write(testChunk('a', 1))).rejects.toThrow(/instead of the ack/)
    expect(w.nodes[0].available).toBe(true)
    r.answer = 'close'
    await expect(w.write(testChunk('a', 1))).rejects.toThrow(/closed the connection/)
    expect(w.nodes[0].available).toBe(false)
    expect(logs.some((l) => l.message === 'Disabled forwarding server.')).toBe(true)
    await expect(w.write(testChunk('a', 1))).rejects.toThrow('no nodes are available')
    w.nodes[0].heartbeat(true)
    expect(w.nodes[0].available).toBe(true)
    r.answer = 'silent'
    await expect(w.write(testChunk('a', 1))).rejects.toThrow(/within ack_response_timeout/)
    expect(w.nodes[0].available).toBe(false)
  })

  it('fails over: a refused server is skipped and the next one takes the chunk', async () => {
    const good = await receiver()
    const dead = await receiver()
    const deadPort = dead.port
    await dead.close()
    const { w } = writer(writerOptions([server(deadPort), server(good.port)]))
    for (let i = 0; i < 4; i++) await w.write(testChunk('f', 1, i))
    await waitUntil(() => good.messages.length === 4, 'four chunks at the live server')
  })

  it('rejects with the last error when every server fails', async () => {
    const dead = await receiver()
    const port = dead.port
    await dead.close()
    const { w, logs } = writer(writerOptions([server(port)]))
    await expect(w.write(testChunk('f', 1))).rejects.toThrow(/cannot connect to 127\.0\.0\.1/)
    expect(logs.some((l) => l.level === 'debug' && l.message.startsWith('Cannot forward a chunk'))).toBe(true)
  })

  it('compress gzip: one gzip member, option "compressed": "gzip"', async () => {
    const r = await receiver()
    const { w } = writer(writerOptions([server(r.port)], { compress: true }))
    const chunk = testChunk('z', 5)
    await w.write(chunk)
    await waitUntil(() => r.messages.length === 1, 'the message')
    const [tag, payload, options] = r.messages[0].message as [string, Uint8Array, object]
    expect(tag).toBe('z')
    expect(options).toEqual({ size: 5, compressed: 'gzip' })
    expect(new Uint8Array(gunzipSync(payload))).toEqual(chunk.entries)
  })

  it('time_as_integer: entries re-encoded with integer seconds', async () => {
    const r = await receiver()
    const { w } = writer(writerOptions([server(r.port)], { timeAsInteger: true }))
    await w.write(testChunk('i', 3))
    await waitUntil(() => r.messages.length === 1, 'the message')
    const { decodeMulti } = await import('@msgpack/msgpack')
    const entries = [...decodeMulti(r.messages[0].message[1] as Uint8Array)]
    expect(entries).toEqual([
      [T, { n: 0 }],
      [T + 1, { n: 1 }],
      [T + 2, { n: 2 }],
    ])
  })
})

describe('out_forward writer: keepalive', () => {
  it('pipelines chunks on one connection: several in flight, acks matched by chunk id in any order', async () => {
    const r = await receiver()
    r.answer = 'ack'
    const { w } = writer(writerOptions([server(r.port)], { keepalive: true, requireAckResponse: true }))
    await w.write(testChunk('k', 1, 0))
    await w.write(testChunk('k', 1, 1))
    expect(r.connections).toBe(1)
    r.answer = 'silent'
    let settled = 0
    const writes = [2, 3, 4].map((n) => w.write(testChunk('k', 1, n)).then(() => settled++))
    await waitUntil(() => r.messages.length === 5, 'three chunks in flight')
    expect(r.connections).toBe(1) // no new connection for the chunks written while acks are out
    expect(w.nodes[0].inFlight).toBe(3)
    expect(settled).toBe(0)
    r.ackMessage(4) // the last one first
    await waitUntil(() => settled === 1, 'the out-of-order ack')
    expect(w.nodes[0].inFlight).toBe(2)
    r.ackMessage(2)
    r.ackMessage(3)
    await Promise.all(writes)
    expect(r.messages.map((m) => m.connection)).toEqual([1, 1, 1, 1, 1])
    expect(w.nodes[0].kept).toBe(1)
  })

  it('a connection lost with chunks in flight fails every one of them as unconfirmed (rolled back), the next write reconnects', async () => {
    const r = await receiver()
    r.answer = 'silent'
    const { w } = writer(writerOptions([server(r.port)], { keepalive: true, requireAckResponse: true, heartbeatType: 'none' }))
    const writes = [0, 1].map((n) =>
      w.write(testChunk('k', 1, n)).then(
        () => 'acked',
        (e: Error) => e.name,
      ),
    )
    await waitUntil(() => r.messages.length === 2, 'two chunks in flight')
    for (const s of r.sockets) s.destroy()
    expect(await Promise.all(writes)).toEqual(['RollbackError', 'RollbackError'])
    r.answer = 'ack'
    await w.write(testChunk('k', 1, 0))
    expect(r.connections).toBe(2)
  })

  it('an ack for a chunk that is not in flight ends the connection (mismatch) and the chunk is rolled back', async () => {
    const r = await receiver()
    r.answer = 'wrong-ack'
    const { w } = writer(writerOptions([server(r.port)], { keepalive: true, requireAckResponse: true, heartbeatType: 'none' }))
    await expect(w.write(testChunk('k', 1, 0))).rejects.toThrow(/not in flight/)
  })

  it('replaces a pooled connection the server closed while idle, without failing the write', async () => {
    const r = await receiver()
    const { w } = writer(writerOptions([server(r.port)], { keepalive: true, requireAckResponse: true }))
    await w.write(testChunk('k', 1, 0))
    expect(w.nodes[0].kept).toBe(1)
    // The server drops the idle connection; the pool may or may not have seen the FIN yet.
    for (const s of r.sockets) s.destroy()
    await w.write(testChunk('k', 1, 1))
    expect(r.connections).toBe(2)
    expect(r.messages.map((m) => (m.message[2] as { size: number }).size)).toEqual([1, 1])
  })

  it('expires idle pooled connections after keepalive_timeout', async () => {
    const r = await receiver()
    let now = 1_000_000
    const logs: LogRecord[] = []
    const w = new ForwardWriter(
      core,
      writerOptions([server(r.port)], { keepalive: true, keepaliveTimeoutMs: 1_000 }),
      createLogger((l) => logs.push(l)),
      () => now,
    )
    cleanups.push(() => w.stop())
    await w.write(testChunk('k', 1))
    expect(w.nodes[0].pool.size).toBe(1)
    now += 1_500
    await w.write(testChunk('k', 1, 1))
    expect(r.connections).toBe(2)
  })
})

describe('out_forward writer → sluice in_forward', () => {
  let h: ForwardHarness
  afterEach(async () => {
    await h?.stop()
  })

  it('delivers chunks with acks, gzip and integer times to a real in_forward', async () => {
    h = await startForward()
    const { w } = writer(writerOptions([server(h.port)], { requireAckResponse: true }))
    await w.write(testChunk('s.plain', 3))
    const { w: wz } = writer(writerOptions([server(h.port)], { requireAckResponse: true, compress: true, timeAsInteger: true }))
    await wz.write(testChunk('s.gz', 2, 10))
    const events = await h.capture.waitFor(5)
    expect(events.map((e) => [e.tag, e.time.sec, e.time.nsec, e.record.n])).toEqual([
      ['s.plain', T, 0, 0],
      ['s.plain', T + 1, 1, 1],
      ['s.plain', T + 2, 2, 2],
      ['s.gz', T + 10, 0, 10],
      ['s.gz', T + 11, 0, 11],
    ])
    expect(events[0].time).toBeInstanceOf(EventTime)
  })
})
