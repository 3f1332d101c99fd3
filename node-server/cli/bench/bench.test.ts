/**
 * @module `sluice bench` against a real TCP server that frames with the core and acks: every mode
 * with and without acks sends exactly the events asked for with records of the asked size, the
 * ack window holds, a silent server trips the ack timeout, a refused connection is one clear error;
 * the ack reader and the latency histogram on their own.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decode } from '@msgpack/msgpack'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadCore } from '../../../wasm/load-node.ts'
import type { Core } from '../../../wasm/core.ts'
import { Histogram } from './histogram.ts'
import { readBenchOptions, type BenchOptions } from './options.ts'
import { buildRecordPool } from './records.ts'
import { runBench } from './run.ts'
import { startForwardSink, type ForwardSink } from './testing/forward-sink.ts'
import { parseArgs } from '../args.ts'
import { startAgent } from '../../../test/helpers/agent.ts'
import { inForward, type ForwardInput } from '../../plugins/in_forward/index.ts'
import { outNull } from '../../../engine/plugins/out_null/index.ts'
import { BENCH_OPTIONS } from './options.ts'

let core: Core
let sink: ForwardSink | null = null

beforeAll(async () => {
  core = await loadCore()
})

afterEach(async () => {
  await sink?.close()
  sink = null
})

function options(argv: string[]): BenchOptions {
  return readBenchOptions(parseArgs(argv, BENCH_OPTIONS).options)
}

describe('sluice bench', () => {
  for (const mode of ['packed', 'forward', 'compressed', 'message'] as const) {
    for (const ack of [false, true]) {
      it(`sends exactly --events in ${mode} mode ${ack ? 'with' : 'without'} acks`, async () => {
        sink = await startForwardSink(core)
        const argv = [
          '--port',
          String(sink.port),
          '--mode',
          mode,
          '--events',
          '2345',
          '--batch',
          '100',
          '--record-size',
          '150',
          '--conns',
          '2',
          '--tag',
          'bench.t',
        ]
        if (ack) argv.push('--ack', '--window', '4')
        const result = await runBench(options(argv), { core })
        expect(result.errors).toEqual([])
        expect(result.events).toBe(2345)
        if (ack) {
          expect(result.ackedEvents).toBe(2345)
          expect(result.ackLatency!.count).toBe(result.messages)
        }
        await waitFor(() => sink!.events === 2345)
        expect(sink.errors).toEqual([])
        expect([...sink.tags]).toEqual(['bench.t'])
        expect([...sink.recordSizes]).toEqual([150])
        // 1,173 + 1,172 events in messages of 100: 12 per connection.
        expect(sink.messages).toBe(mode === 'message' ? 2345 : 24)
        expect(result.eventsPerSec).toBeGreaterThan(0)
        expect(result.recordBytes).toBe(2345 * 150)
      })
    }
  }

  it('keeps at most --window messages unacknowledged per connection and measures the latency', async () => {
    sink = await startForwardSink(core)
    sink.ackDelayMs = 40
    const result = await runBench(options(['--port', String(sink.port), '--events', '1000', '--batch', '50', '--ack', '--window', '3']), {
      core,
    })
    expect(result.errors).toEqual([])
    expect(sink.maxUnacked).toBeLessThanOrEqual(3)
    expect(sink.maxUnacked).toBeGreaterThan(1)
    expect(result.ackLatency!.p50Ms).toBeGreaterThanOrEqual(35)
    expect(result.ackLatency!.maxMs).toBeGreaterThanOrEqual(result.ackLatency!.p99Ms)
  })

  it('reports an ack timeout when the server stops acking', async () => {
    sink = await startForwardSink(core)
    sink.acking = false
    const result = await runBench(
      options(['--port', String(sink.port), '--events', '500', '--batch', '100', '--ack', '--ack-timeout', '0.3']),
      { core },
    )
    expect(result.errors.join()).toMatch(/no ack for \d+ ms/)
    expect(result.ackedEvents).toBe(0)
  })

  it('stops after --duration', async () => {
    sink = await startForwardSink(core)
    const result = await runBench(options(['--port', String(sink.port), '--duration', '0.3', '--batch', '100', '--rate', '20000']), {
      core,
    })
    expect(result.errors).toEqual([])
    expect(result.events).toBeGreaterThan(0)
    await waitFor(() => sink!.events === result.events)
  })

  it('spreads --rate over time', async () => {
    sink = await startForwardSink(core)
    const result = await runBench(options(['--port', String(sink.port), '--events', '300', '--batch', '10', '--rate', '1000']), { core })
    // 300 events at 1,000/s: the last message may leave once 290 are out, after ≥ 0.29 s.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(280)
  })

  it('fails with one clear error when the connection is refused', async () => {
    sink = await startForwardSink(core)
    const port = sink.port
    await sink.close()
    sink = null
    await expect(runBench(options(['--port', String(port), '--events', '10']), { core })).rejects.toThrow(
      `cannot connect to 127.0.0.1:${port}: connection refused`,
    )
  })
})

describe('sluice bench against the real in_forward', () => {
  for (const mode of ['packed', 'message', 'compressed'] as const) {
    it(`delivers every event in ${mode} mode with acks`, async () => {
      const running = await startAgent(
        '<source>\n  @type forward\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type null\n  @id out\n</match>\n',
        [inForward, outNull],
      )
      try {
        const port = (running.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput).address().port
        const result = await runBench(
          options(['--port', String(port), '--mode', mode, '--events', '5000', '--batch', '500', '--ack', '--conns', '2']),
          { core },
        )
        expect(result.errors).toEqual([])
        expect(result.ackedEvents).toBe(5000)
        const out = running.agent.plugins.find((p) => p.id === 'out')!.metrics
        expect(out.eventsIn).toBe(5000)
        expect(out.bytesIn).toBeGreaterThan(5000 * 150)
      } finally {
        await running.stop()
      }
    })
  }
})

describe('bench records', () => {
  it('uses the loghub samples when present, else generated text, at the exact size', () => {
    const loghub = buildRecordPool(150, undefined, 500)
    const generated = buildRecordPool(120, '/nonexistent/loghub', 500)
    expect(generated.source).toBe('generated')
    expect(generated.detail).toContain('generated text')
    for (const pool of [loghub, generated]) {
      expect(pool.records.length).toBe(500)
      expect(new Set(pool.records.map((r) => r.length)).size).toBe(1)
    }
    expect(loghub.meanBytes).toBe(150)
    expect(generated.meanBytes).toBe(120)
  })

  it("keeps each line's bytes: CRLF ends are not part of the message, tabs and UTF-8 stay as they are", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-records-'))
    try {
      const lines = ['081109 203615 INFO dfs.DataNode: served\tblock_1', 'Zürich → 東京 ok']
      writeFileSync(join(dir, 'Sample_2k.log'), lines.map((l) => `${l}\r\n`).join(''))
      const wide = buildRecordPool(200, dir, 2)
      expect(wide.records.map((r) => (decode(r) as { message: string }).message.trimEnd())).toEqual(lines)
      expect(wide.records.map((r) => r.length)).toEqual([200, 200])
      // Cut to a size that falls inside a multi-byte character: whole characters, padded to the size.
      for (let size = 50; size <= 72; size++) {
        const narrow = buildRecordPool(size, dir, 2)
        for (const [i, r] of narrow.records.entries()) {
          expect(r.length).toBe(size)
          const message = (decode(r) as { message: string }).message.trimEnd()
          expect(lines[i].startsWith(message)).toBe(true)
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('Histogram', () => {
  it('gives percentiles within 1 %', () => {
    const h = new Histogram()
    for (let i = 1; i <= 1000; i++) h.record(i / 10)
    const s = h.summary()
    expect(s.count).toBe(1000)
    expect(s.p50Ms).toBeGreaterThanOrEqual(50)
    expect(s.p50Ms).toBeLessThanOrEqual(50 * 1.011)
    expect(s.p99Ms).toBeGreaterThanOrEqual(99)
    expect(s.p99Ms).toBeLessThanOrEqual(99 * 1.011)
    expect(s.maxMs).toBe(100)
  })
})

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}
