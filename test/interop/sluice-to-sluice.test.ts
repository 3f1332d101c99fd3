/**
 * @module sluice → sluice over the Forward protocol: a client → agent A (in_forward → buffered
 * out_forward with require_ack_response and transport heartbeats) → agent B (in_forward →
 * capture). Every event arrives; when B is stopped mid-stream and a new B comes back on the same
 * port, every event still arrives, and an event is duplicated only when its chunk reached the
 * old B but was retried (no event twice at the same receiver). A acks its client once the events
 * are in its buffer, so the client never notices the outage.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../helpers/agent.ts'
import { decodeStream } from '../../engine/event-stream.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import { entry, forward, options, record } from '../helpers/forward-build.ts'
import { cat, eventTime, hex, str } from '../helpers/msgpack-build.ts'
import { inForward, type ForwardInput } from '../../node-server/plugins/in_forward/index.ts'
import { RawClient, startForward, waitUntil, type ForwardHarness } from '../../node-server/plugins/in_forward/testing.ts'
import { outForward, type ForwardOutput } from '../../node-server/plugins/out_forward/index.ts'

const T = 1441588984
const BATCH = 50
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Agent A: in_forward on port 0 → out_forward to `port`. */
async function relay(port: number): Promise<{ a: TestAgent; port: number; out: ForwardOutput }> {
  const a = await startAgent(
    `
<source>
  @type forward
  @id in
  bind 127.0.0.1
  port 0
</source>
<match **>
  @type forward
  @id out
  require_ack_response true
  ack_response_timeout 2
  connect_timeout 1
  heartbeat_interval 0.05
  hard_timeout 0.5
  recover_wait 0.15
  <server>
    host 127.0.0.1
    port ${port}
  </server>
  <buffer>
    flush_interval 0.05
    flush_thread_interval 0.02
    retry_wait 0.05
    retry_max_interval 0.2
    retry_forever true
  </buffer>
</match>`,
    [inForward, outForward],
  )
  cleanups.push(() => a.stop())
  const input = a.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput
  return { a, port: input.address().port, out: a.agent.plugins.find((p) => p.id === 'out')!.plugin as ForwardOutput }
}

/** Sends batch `b` (BATCH events with ids b*BATCH…) as one Forward message and waits for A's ack. */
async function sendBatch(client: RawClient, b: number): Promise<void> {
  const entries = Array.from({ length: BATCH }, (_, k) => entry(eventTime(T, b * BATCH + k), record({ id: b * BATCH + k })))
  const id = `batch-${b}`
  const before = client.received.length
  await client.write(forward('relay.test', entries, options({ chunk: id })))
  const ack = cat(hex('81 a3 61 63 6b'), str(id))
  await client.waitForBytes(before + ack.length)
  expect(client.received.subarray(before)).toEqual(Buffer.from(ack))
}

const ids = (h: ForwardHarness): number[] => h.capture.events.map((e) => e.record.id as number)

describe('sluice → sluice', () => {
  it('relays every event with its tag, time and record, acked hop by hop', async () => {
    const b = await startForward()
    cleanups.push(() => b.stop())
    const { port } = await relay(b.port)
    const client = await RawClient.open(port)
    cleanups.push(() => client.destroy())
    for (let n = 0; n < 6; n++) await sendBatch(client, n)
    const got = await b.capture.waitFor(6 * BATCH)
    expect(got.map((e) => e.record.id)).toEqual(Array.from({ length: 6 * BATCH }, (_, k) => k))
    expect(got.every((e) => e.tag === 'relay.test' && e.time.sec === T && e.time.nsec === e.record.id)).toBe(true)
  })

  it('loses nothing when the receiver stops mid-stream and comes back on the same port', async () => {
    let b1: ForwardHarness | null = await startForward()
    cleanups.push(() => b1?.stop())
    const port = b1.port
    const { port: relayPort, out } = await relay(port)
    const client = await RawClient.open(relayPort)
    cleanups.push(() => client.destroy())
    for (let n = 0; n < 5; n++) await sendBatch(client, n)
    await b1.capture.waitFor(BATCH) // the stream is flowing
    await b1.stop()
    const atFirst = ids(b1)
    b1 = null
    for (let n = 5; n < 10; n++) await sendBatch(client, n) // A keeps acking: the events are in its buffer
    await waitUntil(() => !out.writer.nodes[0].available, 'A to detach the stopped receiver')
    const b2 = await startForward('', { port })
    cleanups.push(() => b2.stop())
    for (let n = 10; n < 15; n++) await sendBatch(client, n)
    await waitUntil(() => new Set([...atFirst, ...ids(b2)]).size === 15 * BATCH, 'every event at one receiver or the other', 20_000)
    // A graceful stop acks what it accepted: nothing is sent twice.
    expect([...atFirst, ...ids(b2)].sort((x, y) => x - y)).toEqual(Array.from({ length: 15 * BATCH }, (_, k) => k))
    await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, "A's buffer to drain")
  })

  it('resends a chunk the killed receiver accepted but never acked: the only duplicates, counted', async () => {
    const held: { ids: number[]; release: () => void }[] = []
    let holdNext = false
    const seen: number[] = []
    const holding: PluginSpec<'output'> = {
      name: 'holding',
      kind: 'output',
      description: 'keeps events; can hold an emit open',
      schema: { params: [] },
      runtimes: ['node'],
      create: (ctx) => ({
        emit(stream) {
          const got = decodeStream(ctx.core, stream).map((e) => e.record.id as number)
          seen.push(...got)
          if (!holdNext) return
          holdNext = false
          return new Promise<void>((resolve) => held.push({ ids: got, release: resolve }))
        },
      }),
    }
    let b1: ForwardHarness | null = await startForward('', { match: '<match **>\n  @type holding\n</match>', plugins: [holding] })
    cleanups.push(() => b1?.stop())
    const port = b1.port
    const { port: relayPort, out } = await relay(port)
    const client = await RawClient.open(relayPort)
    cleanups.push(() => client.destroy())
    for (let n = 0; n < 5; n++) await sendBatch(client, n)
    await waitUntil(() => seen.length === 5 * BATCH, 'the first batches at the receiver')
    holdNext = true
    await sendBatch(client, 5)
    await waitUntil(() => held.length === 1, 'the receiver to take a chunk and hold its ack')
    await b1.input.abort() // a crash: the connection goes, the accepted chunk is never acked
    held[0].release()
    await b1.stop()
    b1 = null
    for (let n = 6; n < 10; n++) await sendBatch(client, n)
    const b2 = await startForward('', { port })
    cleanups.push(() => b2.stop())
    const total = 10 * BATCH
    await waitUntil(() => new Set([...seen, ...ids(b2)]).size === total, 'every event at one receiver or the other', 20_000)
    await waitUntil(() => (out.status().buffer_total_queued_size as number) === 0, "A's buffer to drain")

    const atSecond = ids(b2)
    expect(new Set(seen).size).toBe(seen.length) // never twice at the same receiver
    expect(new Set(atSecond).size).toBe(atSecond.length)
    const duplicated = atSecond.filter((id) => seen.includes(id)).sort((x, y) => x - y)
    expect(duplicated).toEqual([...held[0].ids].sort((x, y) => x - y))
    expect(duplicated.length).toBeGreaterThanOrEqual(BATCH)
    expect(seen.length + atSecond.length - duplicated.length).toBe(total)
  })
})
