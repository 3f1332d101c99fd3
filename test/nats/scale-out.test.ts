/**
 * @module The scale-out tier end to end with real processes: sluice agents (in_forward → out_nats,
 * file buffer, delivery durable) → nats-server JetStream → sluice aggregators (in_nats on one
 * durable consumer). Exact records through the whole path (an aggregator forwarding to the test's
 * own in_forward); numbered events from `sluice bench --ack --seq` with the nats-server SIGKILLed
 * and restarted and an aggregator SIGKILLed mid-stream (0 acknowledged events lost, duplicates
 * counted, two aggregators sharing the work); a three-node cluster with replicas 3 losing the
 * stream leader mid-stream. Every wait is on a condition; fault times are chosen by progress.
 */

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { encode } from '@msgpack/msgpack'
import type { NatsConnection } from '@nats-io/transport-node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventTime, eventTimeCodec } from '../../engine/event-time.ts'
import { type ForwardHarness, RawClient, startForward } from '../../node-server/plugins/in_forward/testing.ts'
import { startLoad } from '../faults/harness/bench.ts'
import { type Delivered, readDelivered, type Tally, tally } from '../faults/harness/count.ts'
import { SluiceNode } from '../faults/harness/node.ts'
import { captures } from '../helpers/capture-output.ts'
import { exactCaptureOutput } from '../helpers/exact-capture.ts'
import { manager, natsClient } from '../helpers/nats-client.ts'
import { freeTcpPort, NatsSandbox } from '../helpers/nats-server.ts'
import { agentConfig, aggregatorConfig } from './pipeline.ts'

let sandbox: NatsSandbox
const nodes: SluiceNode[] = []
const clients: NatsConnection[] = []
let receiver: ForwardHarness | null = null
beforeEach(() => {
  sandbox = new NatsSandbox('sluice-scale-out-')
})
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop(10_000)
  for (const c of clients.splice(0)) await c.close()
  await receiver?.stop()
  receiver = null
  await sandbox.remove()
}, 60_000)

function node(name: string, config: string): SluiceNode {
  const n = new SluiceNode(name, join(sandbox.dir, `${name}.conf`), config)
  nodes.push(n)
  return n
}

function dir(name: string): string {
  const d = join(sandbox.dir, name)
  mkdirSync(d, { recursive: true })
  return d
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The events each aggregator wrote (by seq), and both together. */
async function delivered(outDirs: string[], first: number, next: number): Promise<{ each: Delivered[]; union: Delivered }> {
  const each = await Promise.all(outDirs.map((d) => readDelivered(d, first, next)))
  const copies = new Uint8Array(Math.max(0, next - first))
  for (const d of each) for (let i = 0; i < copies.length; i++) copies[i] = Math.min(255, copies[i] + d.copies[i])
  return { each, union: { first, copies, foreign: each.reduce((n, d) => n + d.foreign, 0), lines: each.reduce((n, d) => n + d.lines, 0) } }
}

/** Lines the aggregators wrote so far (to choose when a fault happens). */
async function progress(outDirs: string[]): Promise<number> {
  return (await delivered(outDirs, 0, 0)).union.lines
}

describe('agents → JetStream → aggregators (real processes)', () => {
  it('carries exact records end to end: nanosecond times, 64-bit integers, bin, unicode', async () => {
    receiver = await startForward('', { match: '<match **>\n  @type exact_capture\n  @id e2e\n</match>', plugins: [exactCaptureOutput] })
    const nats = await sandbox.server()
    const port = await freeTcpPort()
    const agent = node('agent', agentConfig({ port, natsUrls: [nats.url], bufferDir: dir('agent-buffer') }))
    const aggregator = node(
      'aggregator',
      aggregatorConfig({ natsUrls: [nats.url], bufferDir: dir('agg-buffer'), forwardPort: receiver.port }),
    )
    await Promise.all([agent.start(), aggregator.start()])
    const records = [
      { time: new EventTime(1_700_000_000, 123_456_789), record: { max: 2n ** 63n - 1n, min: -(2n ** 63n), u64: 2n ** 64n - 1n, n: 42 } },
      { time: new EventTime(1_700_000_001, 1), record: { bin: new Uint8Array([0, 1, 0xfe, 0xff]), empty: new Uint8Array(0) } },
      {
        time: new EventTime(1_700_000_002, 999_999_999),
        record: { text: 'こんにちは 🌍 ünïcödé', nested: { list: [1.5, -0.25, null, true, 'x'], map: { k: 'v' } } },
      },
    ]
    const entries = records.map((r) => encode([r.time, r.record], { extensionCodec: eventTimeCodec, useBigInt64: true }))
    const payload = Buffer.concat(entries)
    const client = await RawClient.open(port)
    await client.write(encode(['app.e2e', payload, { chunk: 'e2e-chunk-1', size: records.length }]))
    await client.waitForBytes(1, 15_000)
    client.destroy()
    const got = await captures.get('e2e')!.waitFor(records.length, 30_000)
    expect(got).toEqual(records.map((r) => ({ tag: 'app.e2e', ...r })))
    expect(agent.count(/Created the JetStream stream/)).toBe(1)
    expect(aggregator.count(/Created the durable consumer/)).toBe(1)
  }, 90_000)

  it('loses no acknowledged event when the nats-server and an aggregator are SIGKILLed mid-stream; two aggregators share the work', async () => {
    const nats = await sandbox.server()
    const port = await freeTcpPort()
    const outDirs = [dir('out1'), dir('out2')]
    const agent = node('agent', agentConfig({ port, natsUrls: [nats.url], bufferDir: dir('agent-buffer') }))
    const aggregators = [0, 1].map((i) =>
      node(`aggregator${i + 1}`, aggregatorConfig({ natsUrls: [nats.url], outDir: outDirs[i], bufferDir: dir(`agg${i + 1}-buffer`) })),
    )
    await Promise.all([agent.start(), ...aggregators.map((a) => a.start())])
    const load = startLoad({ port, durationS: 8, rate: 2500, conns: 2 })
    await until(async () => (await progress(outDirs)) >= 3_000, 'events through the pipeline')
    await nats.kill()
    await until(() => agent.count(/Disconnected from NATS/) >= 1, 'the agent to notice')
    await nats.start()
    await until(() => agent.count(/Reconnected to NATS/) >= 1, 'the agent to reconnect')
    const before = await progress(outDirs)
    await until(async () => (await progress(outDirs)) >= before + 3_000, 'events after the restart')
    await aggregators[0].kill()
    await aggregators[0].start()
    const run = await load.done
    expect(run.result.errors).toEqual([])
    const seq = run.result.seq!
    let t: Tally = tally((await delivered(outDirs, seq.first, seq.next)).union, seq.acked)
    await until(async () => {
      t = tally((await delivered(outDirs, seq.first, seq.next)).union, seq.acked)
      return t.lostAcked === 0
    }, 'every acknowledged event at an aggregator')
    const { each } = await delivered(outDirs, seq.first, seq.next)
    const uniqueEach = each.map((d) => tally(d, seq.acked).delivered)
    console.log(
      `scale-out kill: sent ${t.sent}, acked ${t.acked}, delivered ${t.delivered} (aggregator 1: ${uniqueEach[0]}, aggregator 2: ${uniqueEach[1]}), duplicated ${t.duplicated}, lost acked ${t.lostAcked}, lost unacked ${t.lostUnacked}`,
    )
    expect(t.acked).toBeGreaterThan(10_000)
    expect(t.lostAcked).toBe(0)
    expect(uniqueEach[0]).toBeGreaterThan(0)
    expect(uniqueEach[1]).toBeGreaterThan(0)
    expect(agent.crashes + aggregators[0].crashes + aggregators[1].crashes).toBe(0)
  }, 180_000)

  it('survives the loss of the stream leader of a three-node cluster (replicas 3) with no acknowledged event lost', async () => {
    const cluster = await sandbox.cluster(3)
    const urls = cluster.map((s) => s.url)
    const nc = await natsClient(urls.join(','))
    clients.push(nc)
    // JetStream answers once the cluster has a meta leader.
    await until(
      () =>
        manager(nc)
          .then((jsm) => jsm.getAccountInfo())
          .then(() => true)
          .catch(() => false),
      'the JetStream meta leader',
    )
    const port = await freeTcpPort()
    const outDirs = [dir('out1')]
    const agent = node('agent', agentConfig({ port, natsUrls: urls, bufferDir: dir('agent-buffer'), replicas: 3 }))
    const aggregator = node('aggregator', aggregatorConfig({ natsUrls: urls, outDir: outDirs[0], bufferDir: dir('agg-buffer') }))
    await Promise.all([agent.start(), aggregator.start()])
    const load = startLoad({ port, durationS: 8, rate: 2500, conns: 2 })
    await until(async () => (await progress(outDirs)) >= 3_000, 'events through the pipeline')
    const info = await (await manager(nc)).streams.info('LOGS')
    expect(info.config.num_replicas).toBe(3)
    const leader = cluster[Number(/^n(\d)$/.exec(info.cluster!.leader!)![1]) - 1]
    await leader.kill()
    const before = await progress(outDirs)
    await until(async () => (await progress(outDirs)) >= before + 3_000, 'events after the leader was lost')
    const run = await load.done
    expect(run.result.errors).toEqual([])
    const seq = run.result.seq!
    let t: Tally = tally((await delivered(outDirs, seq.first, seq.next)).union, seq.acked)
    await until(async () => {
      t = tally((await delivered(outDirs, seq.first, seq.next)).union, seq.acked)
      return t.lostAcked === 0
    }, 'every acknowledged event at the aggregator')
    const after = await (await manager(nc)).streams.info('LOGS')
    console.log(
      `cluster leader loss: killed ${info.cluster!.leader}, new leader ${after.cluster?.leader}; sent ${t.sent}, acked ${t.acked}, delivered ${t.delivered}, duplicated ${t.duplicated}, lost acked ${t.lostAcked}`,
    )
    expect(after.cluster?.leader).not.toBe(info.cluster!.leader)
    expect(t.lostAcked).toBe(0)
    expect(agent.crashes + aggregator.crashes).toBe(0)
  }, 180_000)
})
