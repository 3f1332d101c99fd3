/**
 * @module `sluice bench --seq` and `--reconnect`: every event of every mode reaches the real
 * in_forward with a unique `seq` and the acknowledged numbers are reported as ranges; a server
 * that drops its connections, or goes away and comes back on the same port, gets every
 * unacknowledged message again and nothing is reported lost.
 */

import { decode } from '@msgpack/msgpack'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadCore } from '../../../wasm/load-node.ts'
import type { Core } from '../../../wasm/core.ts'
import { startAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { inForward, type ForwardInput } from '../../plugins/in_forward/index.ts'
import { parseArgs } from '../args.ts'
import { BENCH_OPTIONS, readBenchOptions, type BenchOptions } from './options.ts'
import { runBench } from './run.ts'
import { RangeSet, withSeq } from './seq.ts'
import { startForwardSink, type ForwardSink } from './testing/forward-sink.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const options = (argv: string[]): BenchOptions => readBenchOptions(parseArgs(argv, BENCH_OPTIONS).options)

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('withSeq and RangeSet', () => {
  it('puts "seq" first in fixmap, map16 and map32 records', async () => {
    const { encode } = await import('@msgpack/msgpack')
    const small = encode({ a: 1 })
    expect(decode(withSeq(small, 7))).toEqual({ seq: 7, a: 1 })
    const fifteen = encode(Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i])))
    expect(Object.keys(decode(withSeq(fifteen, 70_000)) as object)).toHaveLength(16)
    const map16 = encode(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])))
    expect((decode(withSeq(map16, 2 ** 33)) as { seq: number }).seq).toBe(2 ** 33)
    const map32 = Uint8Array.from([0xdf, 0, 0, 0, 1, 0xa1, 0x61, 0x01])
    expect(decode(withSeq(map32, 1))).toEqual({ seq: 1, a: 1 })
    expect(() => withSeq(encode([1]), 1)).toThrow(/not a msgpack map/)
  })

  it('merges ranges in any order', () => {
    const r = new RangeSet()
    r.add(10, 20)
    r.add(0, 5)
    r.add(30, 40)
    r.add(5, 10)
    r.add(20, 30)
    expect(r.toJSON()).toEqual([[0, 40]])
    r.add(50, 60)
    r.add(45, 55)
    expect(r.toJSON()).toEqual([
      [0, 40],
      [45, 60],
    ])
    expect(r.size).toBe(55)
    expect([r.has(0), r.has(39), r.has(40), r.has(45), r.has(59), r.has(60)]).toEqual([true, true, false, true, true, false])
  })
})

describe('sluice bench --seq', () => {
  for (const mode of ['packed', 'forward', 'compressed', 'message'] as const) {
    it(`numbers every event in ${mode} mode and reports the acknowledged ranges`, async () => {
      const running = await startAgent(
        '<source>\n  @type forward\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type capture\n  @id seqcap\n</match>\n',
        [inForward],
      )
      cleanups.push(() => running.stop())
      const port = (running.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput).address().port
      const result = await runBench(
        options([
          '--port',
          String(port),
          '--mode',
          mode,
          '--events',
          '1234',
          '--batch',
          '100',
          '--ack',
          '--conns',
          '2',
          '--seq',
          '--seq-start',
          '1000',
        ]),
        { core },
      )
      expect(result.errors).toEqual([])
      expect(result.seq).toEqual({ first: 1000, next: 2234, acked: [[1000, 2234]] })
      const got = await captures.get('seqcap')!.waitFor(1234)
      expect(got.map((e) => e.record.seq as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 1234 }, (_, i) => 1000 + i))
      expect(Object.keys(got[0].record)).toEqual(['seq', 'host', 'ident', 'pid', 'message'])
    })
  }
})

describe('sluice bench --reconnect', () => {
  let sink: ForwardSink | null = null
  afterEach(async () => {
    await sink?.close()
    sink = null
  })

  it('resends what was not acknowledged when the server drops the connection', async () => {
    sink = await startForwardSink(core)
    sink.acking = false
    const s = sink
    const running = runBench(
      options([
        '--port',
        String(s.port),
        '--events',
        '2000',
        '--batch',
        '100',
        '--ack',
        '--window',
        '4',
        '--seq',
        '--reconnect',
        '--ack-timeout',
        '10',
      ]),
      { core },
    )
    await until(() => s.messages >= 4, 'four unacknowledged messages')
    s.acking = true
    s.dropConnections()
    const result = await running
    expect(result.errors).toEqual([])
    expect(result.reconnects).toBeGreaterThanOrEqual(1)
    expect(result.resentEvents).toBeGreaterThanOrEqual(400)
    expect(result.seq!.acked).toEqual([[0, 2000]])
    expect(s.events).toBeGreaterThanOrEqual(2000 + 400)
  })

  it('waits for a server that went away and comes back on the same port', async () => {
    sink = await startForwardSink(core)
    const port = sink.port
    const s1 = sink
    const running = runBench(
      options([
        '--port',
        String(port),
        '--duration',
        '1.5',
        '--rate',
        '4000',
        '--batch',
        '50',
        '--ack',
        '--seq',
        '--reconnect',
        '--ack-timeout',
        '10',
      ]),
      { core },
    )
    await until(() => s1.acks >= 5, 'some acks')
    await s1.close()
    await new Promise((r) => setTimeout(r, 300))
    sink = await startForwardSink(core, port)
    const result = await running
    expect(result.errors).toEqual([])
    expect(result.reconnects).toBeGreaterThanOrEqual(1)
    expect(result.seq!.acked).toEqual([[0, result.seq!.next]])
  })

  it('without --reconnect a dropped connection is an error', async () => {
    sink = await startForwardSink(core)
    sink.acking = false
    const s = sink
    const running = runBench(options(['--port', String(s.port), '--events', '2000', '--batch', '100', '--ack', '--window', '2', '--seq']), {
      core,
    })
    await until(() => s.messages >= 2, 'two messages')
    s.dropConnections()
    const result = await running
    expect(result.errors.join()).toMatch(/closed the connection/)
  })
})
