/**
 * @module The parts of `bench:compare` that could break silently: every sluice config it writes
 * is valid; the msgpack walker's `need` is a true lower bound (else the JS sink would wait for
 * bytes that never come); the JS sink counts, filters and acks every Forward mode over real
 * sockets, and closes after the client's FIN; the naive HTTP server answers and counts; the table
 * puts sluice's ratios on the other servers' rows.
 */

import { connect } from 'node:net'
import { encode } from '@msgpack/msgpack'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../engine/log.ts'
import { prepareAgent } from '../../node-server/ops/prepare.ts'
import { nodeRegistry } from '../../node-server/plugins/registry.ts'
import { startForwardSink } from './baselines/forward-sink.ts'
import { skip, skipFrom, W } from './baselines/msgpack-walk.ts'
import { startNaiveHttp } from './baselines/naive-http.ts'
import { runForwardLoad } from './forward-load.ts'
import { EVENTS_PER_REQUEST, httpBody } from './http-load.ts'
import { compareTable, summarize } from './report.ts'
import { sluiceForwardConfig, sluiceHttpConfig, sluiceRelayConfig } from './scenarios.ts'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function sink(options: { exclude?: { key: string; value: string } }) {
  return new Promise<{ port: number; counts: ReturnType<typeof startForwardSink>['counts'] }>((resolve) => {
    const s = startForwardSink({ port: 0, exclude: options.exclude ?? null, expect: 0 }, (port) => resolve({ port, counts: s.counts }))
    cleanups.push(s.close)
  })
}

const load = (port: number, o: { messages: number; ack?: boolean; window?: number; compress?: boolean; conns?: number }) =>
  runForwardLoad({
    port,
    messages: o.messages,
    conns: o.conns ?? 1,
    ack: o.ack ?? false,
    window: o.window ?? 1,
    compress: o.compress ?? false,
    tag: 't',
  })

describe('bench:compare', () => {
  const configs = {
    'forward → null': sluiceForwardConfig(false),
    'forward → grep → null': sluiceForwardConfig(true),
    'relay (with <buffer>)': sluiceRelayConfig(24224, true),
    'relay (without <buffer>)': sluiceRelayConfig(24224, false),
    'relay (keepalive)': sluiceRelayConfig(24224, true, true),
    'in_http → null': sluiceHttpConfig(),
  }
  for (const [name, text] of Object.entries(configs)) {
    it(`the sluice config "${name}" is valid`, async () => {
      const silent = createLogger(() => {}, 'fatal')
      const prepared = await prepareAgent({ kind: 'text', text, name: 'compare.conf' }, { registry: nodeRegistry(), logger: () => silent })
      expect(prepared.errors.map((e) => e.message)).toEqual([])
    })
  }

  it('skip() gives the end of a complete object, and a lower bound of it for every cut', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.uint8Array({ maxLength: 40 }), (value, bin) => {
        const bytes = Buffer.from(encode([value, bin, { k: 1.5, n: -7 }]))
        expect(skip(bytes, 0, bytes.length)).toBe(bytes.length)
        for (let cut = 0; cut < bytes.length; cut++) {
          const r = skip(bytes.subarray(0, cut), 0, cut)
          expect(r).toBeLessThan(0)
          expect(-r).toBeGreaterThan(cut)
          expect(-r).toBeLessThanOrEqual(bytes.length)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('skipFrom() resumes a walk where the bytes ran out and finds the same end', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 40 }), (value, steps) => {
        const bytes = Buffer.from(encode([value, { k: [1, 2, 'x'] }]))
        let pos = 0
        let pending = 1
        let have = 0
        for (const step of [...steps, bytes.length]) {
          have = Math.min(bytes.length, have + step)
          const r = skipFrom(bytes.subarray(0, have), pos, pending, have)
          if (r >= 0) {
            expect(r).toBe(bytes.length)
            return
          }
          expect(-r).toBeGreaterThan(have)
          expect(-r).toBeLessThanOrEqual(bytes.length)
          pos = W.pos
          pending = W.pending
        }
        throw new Error('never complete')
      }),
      { numRuns: 300 },
    )
  })

  it('the JS sink counts and acks PackedForward, with a window, and closes after FIN without acks', async () => {
    const s = await sink({})
    const acked = await load(s.port, { messages: 12, ack: true, window: 4 })
    expect(acked.errors).toEqual([])
    expect(acked.events).toBe(12_000)
    expect(acked.ackP50Ms).not.toBeNull()
    const plain = await load(s.port, { messages: 5, conns: 2 })
    expect(plain.errors).toEqual([])
    expect(plain.events).toBe(5_000)
    expect(s.counts.events).toBe(17_000)
    expect(s.counts.kept).toBe(17_000)
  })

  it('the JS sink inflates CompressedPackedForward and drops level == "debug" when asked', async () => {
    const s = await sink({ exclude: { key: 'level', value: 'debug' } })
    const r = await load(s.port, { messages: 4, ack: true, compress: true })
    expect(r.errors).toEqual([])
    expect(s.counts.events).toBe(4_000)
    expect(s.counts.kept).toBe(3_000)
  })

  it('the JS sink counts Forward and Message mode and echoes the chunk bytes', async () => {
    const s = await sink({ exclude: { key: 'level', value: 'debug' } })
    const time = 1_700_000_000
    const forward = encode([
      't',
      [
        [time, { level: 'debug' }],
        [time, { level: 'info' }],
        [time, { x: 1 }],
      ],
      { chunk: 'abc' },
    ])
    const message = encode(['t', time, { level: 'warn' }, { chunk: 'def' }])
    const replies = await new Promise<Buffer>((resolve, reject) => {
      const c = connect({ port: s.port, host: '127.0.0.1' }, () => {
        // Byte by byte: the sink must wait for complete messages.
        const all = Buffer.concat([forward, message])
        for (let i = 0; i < all.length; i++) c.write(all.subarray(i, i + 1))
        c.end()
      })
      const got: Buffer[] = []
      c.on('data', (d) => got.push(d))
      c.on('close', () => resolve(Buffer.concat(got)))
      c.on('error', reject)
    })
    expect(replies).toEqual(Buffer.concat([encode({ ack: 'abc' }), encode({ ack: 'def' })]))
    expect(s.counts).toMatchObject({ events: 4, kept: 3, messages: 2 })
  })

  it("the JS sink reads Fluent Bit's shapes: map32 options, array32 entries, [time, meta] times", async () => {
    const s = await sink({})
    const time = [1_700_000_000, {}]
    // 93 a1 't' dd <3> entries… df <1> a5 'chunk' a2 'id'
    const entries = Buffer.concat([Buffer.from([0xdd, 0, 0, 0, 3]), ...[1, 2, 3].map((i) => Buffer.from(encode([time, { i }])))])
    const options = Buffer.concat([Buffer.from([0xdf, 0, 0, 0, 1]), Buffer.from(encode('chunk')), Buffer.from(encode('id'))])
    const message = Buffer.concat([Buffer.from([0x93]), Buffer.from(encode('t')), entries, options])
    const replies = await new Promise<Buffer>((resolve, reject) => {
      const c = connect({ port: s.port, host: '127.0.0.1' }, () => c.end(message))
      const got: Buffer[] = []
      c.on('data', (d) => got.push(d))
      c.on('close', () => resolve(Buffer.concat(got)))
      c.on('error', reject)
    })
    expect(replies).toEqual(Buffer.from(encode({ ack: 'id' })))
    expect(s.counts.events).toBe(3)
  })

  it('the naive HTTP server parses the array, encodes every record and answers 200; bad JSON gets 400', async () => {
    const { server, counts } = await new Promise<ReturnType<typeof startNaiveHttp>>((resolve) => {
      const started = startNaiveHttp(0, () => resolve(started))
    })
    cleanups.push(() => server.close())
    const a = server.address()
    const port = typeof a === 'object' && a !== null ? a.port : 0
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${port}/bench.http`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect((await post(httpBody())).status).toBe(200)
    expect((await post('{not json')).status).toBe(400)
    expect(counts.events).toBe(EVENTS_PER_REQUEST)
    expect(counts.bytes).toBeGreaterThan(EVENTS_PER_REQUEST * 50)
  })

  it("the table gives sluice's ratios on the other servers' rows", () => {
    const sc = { id: 'forward-ack8', title: 't' }
    const run = (eventsPerSec: number, cpuPct: number) => ({ eventsPerSec, cpuPct, seconds: 1, errors: [] })
    const rows = [
      summarize(sc, 'sluice', [run(2e6, 100), run(3e6, 100), run(4e6, 100)], { peak: 100 << 20, idle: 60 << 20 }),
      summarize(sc, 'fluent-bit', [run(1e6, 50), run(1.5e6, 50), run(2e6, 50)], { peak: 50 << 20, idle: 10 << 20 }),
    ]
    expect(rows[0].eventsPerSec).toBe(3e6)
    const table = compareTable(rows)
    expect(table).toMatch(/fluent-bit\s+1\.50 M\s+1\.00 M–2\.00 M\s+50 %\s+50 MB\s+10 MB\s+2\.00x\s+1\.00x/)
  })
})
