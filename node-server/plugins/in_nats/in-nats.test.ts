/**
 * @module in_nats against a real nats-server (Debian's, on a free port, temp store), fed by the
 * test's own NATS client: exact events from every Forward mode (EventTime nanoseconds, 64-bit
 * integers, bin, unicode, gzip), the tag rewrite, messages that are not Forward messages
 * (terminated, one log line, @ERROR), emits refused until max_deliver (dead letter), the
 * MAX_DELIVERIES advisory of a message a dead consumer held, backpressure (nothing pulled while an
 * emit waits or the buffer is full, `working` keeps the message from being delivered elsewhere),
 * and two agents sharing one durable consumer.
 */

import { gzipSync } from 'node:zlib'
import { encode } from '@msgpack/msgpack'
import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { decodeStream, type EventStream, streamFromEvents } from '../../../engine/event-stream.ts'
import { EventTime, eventTimeCodec } from '../../../engine/event-time.ts'
import { waitUntil } from '../../../engine/output/testing.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { type CapturedEvent, captures } from '../../../test/helpers/capture-output.ts'
import { exactCaptureOutput } from '../../../test/helpers/exact-capture.ts'
import { manager, natsClient } from '../../../test/helpers/nats-client.ts'
import { NatsSandbox, type NatsServer } from '../../../test/helpers/nats-server.ts'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { outNull } from '../../../engine/plugins/out_null/index.ts'
import { inNats, type NatsInput } from './index.ts'

let sandbox: NatsSandbox
let server: NatsServer
let nc: NatsConnection
let core: Core
beforeAll(async () => {
  core = await loadCore()
  sandbox = new NatsSandbox()
  server = await sandbox.server()
  nc = await natsClient(server.url)
})
afterAll(async () => {
  await nc?.close()
  await sandbox?.remove()
})

const running: TestAgent[] = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop()
})

/** A test output whose emits wait on a gate, or throw a BufferOverflowError, as the test says. */
class Gate implements OutputPlugin {
  readonly events: EventStream[] = []
  emits = 0
  private open: Promise<void> | null = null
  private release: (() => void) | null = null
  full = false

  close(): void {
    this.open = new Promise((resolve) => {
      this.release = resolve
    })
  }

  openGate(): void {
    this.release?.()
    this.open = null
  }

  emit(stream: EventStream): void | Promise<void> {
    this.emits++
    if (this.full) throw Object.assign(new Error('buffer space has too many data'), { name: 'BufferOverflowError' })
    const gate = this.open
    if (gate === null) {
      this.events.push(stream)
      return
    }
    return gate.then(() => {
      this.events.push(stream)
    })
  }
}
const gates = new Map<string, Gate>()
const gateOutput: PluginSpec<'output'> = {
  name: 'gate',
  kind: 'output',
  description: 'Test output: emits wait on a gate or report a full buffer.',
  schema: { params: [] },
  runtimes: ['node'],
  create(ctx) {
    const gate = new Gate()
    gates.set(ctx.id, gate)
    return gate
  },
}

let n = 0
async function setup(
  source: string,
  sink = '@type capture',
  extra = '',
): Promise<{ agent: TestAgent; input: NatsInput; stream: string; subject: string; id: string }> {
  n++
  const stream = `IN${n}`
  const subject = `in${n}`
  await (await manager(nc)).streams.add({ name: stream, subjects: [`${subject}.>`] })
  const id = `sink${n}`
  const a = await startAgent(
    `<source>
  @type nats
  @id src
  @label @OUT
  servers ${server.url}
  stream ${stream}
  fetch_expires 1
  reconnect_wait 0.1
${source}
</source>
<label @OUT>
  <match **>
    ${sink}
    @id ${id}
  </match>
</label>
${extra}`,
    [inNats, gateOutput, exactCaptureOutput],
  )
  running.push(a)
  return { agent: a, input: a.agent.plugins.find((p) => p.id === 'src')!.plugin as NatsInput, stream, subject, id }
}

const js = () => jetstream(nc)
const entries = (events: { time: EventTime; record: Record<string, unknown> }[]) => streamFromEvents('x', events).entries
const simplify = (events: CapturedEvent[]) => events.map((e) => ({ tag: e.tag, sec: e.time.sec, nsec: e.time.nsec, record: e.record }))

describe('in_nats', () => {
  it('emits the exact events of every Forward mode and acks them', async () => {
    const { stream, subject, id } = await setup('  consumer exact')
    const record = {
      big: 2n ** 63n - 1n,
      neg: -(2n ** 62n),
      bin: new Uint8Array([0, 255, 7]),
      text: '日本語 ✓ é',
      nested: { a: [1, 2.5, null, true] },
    }
    const e1 = { time: new EventTime(1_700_000_000, 987_654_321), record }
    await js().publish(`${subject}.packed`, encode(['app.packed', entries([e1, e1]), { size: 2 }], { useBigInt64: true }))
    await js().publish(
      `${subject}.message`,
      encode(['app.message', new EventTime(5, 6), record], { extensionCodec: eventTimeCodec, useBigInt64: true }),
    )
    await js().publish(`${subject}.forward`, encode(['app.forward', [[7, record]]], { useBigInt64: true }))
    await js().publish(`${subject}.gzip`, encode(['app.gzip', gzipSync(entries([e1])), { size: 1, compressed: 'gzip' }]))
    const got = simplify(await captures.get(id)!.waitFor(5))
    expect(got).toEqual([
      { tag: 'app.packed', sec: 1_700_000_000, nsec: 987_654_321, record },
      { tag: 'app.packed', sec: 1_700_000_000, nsec: 987_654_321, record },
      { tag: 'app.message', sec: 5, nsec: 6, record },
      { tag: 'app.forward', sec: 7, nsec: 0, record },
      { tag: 'app.gzip', sec: 1_700_000_000, nsec: 987_654_321, record },
    ])
    await waitUntil(async () => (await (await manager(nc)).consumers.info(stream, 'exact')).num_ack_pending === 0, 'every message acked')
    const info = await (await manager(nc)).consumers.info(stream, 'exact')
    expect(info.num_redelivered).toBe(0)
    expect(info.delivered.stream_seq).toBe(4)
  })

  it('replaces or prefixes the tag', async () => {
    const a = await setup('  consumer tag1\n  tag fixed.tag\n  add_tag_prefix agg')
    await js().publish(`${a.subject}.x`, encode(['orig', entries([{ time: new EventTime(1, 0), record: { k: 1 } }])]))
    expect((await captures.get(a.id)!.waitFor(1))[0].tag).toBe('agg.fixed.tag')
    const b = await setup('  consumer tag2\n  add_tag_prefix agg')
    await js().publish(`${b.subject}.x`, encode(['orig', entries([{ time: new EventTime(1, 0), record: { k: 1 } }])]))
    expect((await captures.get(b.id)!.waitFor(1))[0].tag).toBe('agg.orig')
  })

  it('terminates a message that is not a Forward message, with one log line and the raw bytes to @ERROR, and goes on', async () => {
    const { agent, stream, subject, id } = await setup(
      '  consumer bad',
      '@type exact_capture',
      '<label @ERROR>\n  <match **>\n    @type exact_capture\n    @id bad_errors\n  </match>\n</label>',
    )
    const bad = [
      new TextEncoder().encode('not msgpack at all \xc1'),
      encode({ not: 'an array' }),
      encode(['tag', 1]).subarray(0, 3),
      new Uint8Array(0),
    ]
    for (const data of bad) await js().publish(`${subject}.bad`, data)
    await js().publish(`${subject}.good`, encode(['app.good', entries([{ time: new EventTime(1, 0), record: { ok: true } }])]))
    expect((await captures.get(id)!.waitFor(1)).map((e) => e.record)).toEqual([{ ok: true }])
    const errors = await captures.get('bad_errors')!.waitFor(4)
    expect(errors.map((e) => e.tag)).toEqual(Array(4).fill(`${subject}.bad`))
    expect(errors[1].record).toMatchObject({
      subject: `${subject}.bad`,
      stream,
      stream_seq: 2,
      deliveries: 1,
      error: 'not a Forward message ([tag, …] array)',
    })
    expect(Buffer.from(errors[1].record.data as Uint8Array).equals(Buffer.from(bad[1]))).toBe(true)
    expect(agent.logs.filter((l) => /not a Forward message was terminated/.test(l.message))).toHaveLength(4)
    await waitUntil(async () => (await (await manager(nc)).consumers.info(stream, 'bad')).num_ack_pending === 0, 'nothing pending')
    expect((await (await manager(nc)).consumers.info(stream, 'bad')).num_redelivered).toBe(0)
  })

  it('naks a message whose events are refused, and dead-letters it on its max_deliver-th delivery', async () => {
    const { agent, stream, subject, id } = await setup('  consumer refused\n  max_deliver 3')
    const capture = () => captures.get(id)!
    await waitUntil(() => captures.has(id), 'the capture')
    capture().failWith = new Error('the output is broken')
    await js().publish(`${subject}.x`, encode(['app.refused', entries([{ time: new EventTime(1, 0), record: { n: 1 } }])]))
    await waitUntil(
      () => agent.logs.some((l) => /delivered max_deliver times without being accepted; its events are dropped/.test(l.message)),
      'the dead letter',
      20_000,
    )
    const line = agent.logs.find((l) => /max_deliver times/.test(l.message))!
    expect(line.fields).toMatchObject({
      stream,
      consumer: 'refused',
      deliveries: 3,
      tag: 'app.refused',
      events: 1,
    })
    // Dead-lettered on its third delivery by this sluice, or — when nats-server 2.9 counts a
    // delayed nak's redelivery as exhausted before handing it out — from the MAX_DELIVERIES advisory.
    expect(String(line.fields.error)).toMatch(
      /^(the output is broken|the sluice holding it stopped before acknowledging it \(max_deliver reached\))$/,
    )
    expect(agent.logs.filter((l) => /max_deliver times/.test(l.message))).toHaveLength(1)
    expect(agent.logs.filter((l) => /will be delivered again/.test(l.message)).length).toBeGreaterThanOrEqual(1)
    if (line.fields.error === 'the output is broken')
      await waitUntil(async () => (await (await manager(nc)).consumers.info(stream, 'refused')).num_ack_pending === 0, 'terminated')
  })

  it('dead-letters a message that reached max_deliver while another consumer held it (the MAX_DELIVERIES advisory), to @ERROR', async () => {
    n++
    const stream = `IN${n}`
    const subject = `in${n}`
    const jsm = await manager(nc)
    await jsm.streams.add({ name: stream, subjects: [`${subject}.>`] })
    await jsm.consumers.add(stream, { durable_name: 'held', ack_policy: 'explicit', ack_wait: 1e9, max_deliver: 2 })
    await js().publish(`${subject}.x`, encode(['app.held', entries([{ time: new EventTime(9, 9), record: { held: 1 } }])]))
    // A consumer that dies holding the message: fetched twice, never acked.
    const consumer = await js().consumers.get(stream, 'held')
    for (let delivery = 1; delivery <= 2; delivery++) {
      for (;;) {
        const m = await consumer.next({ expires: 2000 })
        if (m !== null) {
          expect(m.info.deliveryCount).toBe(delivery)
          break
        }
      }
    }
    const a = await startAgent(
      `<source>
  @type nats
  @id src
  servers ${server.url}
  stream ${stream}
  consumer held
  ack_wait 1
  max_deliver 2
  fetch_expires 1
</source>
<match **>
  @type capture
  @id held_out
</match>
<label @ERROR>
  <match **>
    @type capture
    @id held_errors
  </match>
</label>`,
      [inNats],
    )
    running.push(a)
    const errors = await captures.get('held_errors')!.waitFor(1, 20_000)
    expect(simplify(errors)).toEqual([{ tag: 'app.held', sec: 9, nsec: 9, record: { held: 1 } }])
    expect(captures.get('held_out')!.events).toEqual([])
    expect(a.logs.some((l) => /max_deliver times without being accepted; its events go to @ERROR/.test(l.message))).toBe(true)
  })

  it('pulls nothing while an emit waits, keeps the held message from being delivered elsewhere, and resumes', async () => {
    const { input, stream, subject, id } = await setup('  consumer bp\n  batch_size 2\n  ack_wait 1', '@type gate')
    await waitUntil(() => gates.has(id), 'the gate')
    const gate = gates.get(id)!
    gate.close()
    for (let i = 0; i < 20; i++)
      await js().publish(`${subject}.x`, encode(['app.bp', entries([{ time: new EventTime(1, 0), record: { i } }])]))
    await waitUntil(() => gate.emits === 1, 'the first emit')
    const jsm = await manager(nc)
    // Two ack_waits pass while the emit is held: no redelivery, no further pull.
    const until = Date.now() + 2_500
    while (Date.now() < until) {
      const info = await jsm.consumers.info(stream, 'bp')
      expect(info.num_ack_pending).toBeLessThanOrEqual(2)
      expect(info.num_pending).toBeGreaterThanOrEqual(18)
      expect(info.num_redelivered).toBe(0)
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(gate.emits).toBe(1)
    gate.openGate()
    await waitUntil(() => gate.events.length === 20, 'every event', 10_000)
    expect(gate.events.map((s) => decodeStream(core, s)[0].record.i)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(input.reader.counters.redelivered).toBe(0)
    expect(input.reader.counters.held).toBe(1)
  })

  it('holds a message while the buffer is full (BufferOverflowError) and takes it once there is space', async () => {
    const { input, agent, stream, subject, id } = await setup('  consumer full\n  batch_size 1\n  ack_wait 1', '@type gate')
    await waitUntil(() => gates.has(id), 'the gate')
    const gate = gates.get(id)!
    gate.full = true
    for (let i = 0; i < 3; i++)
      await js().publish(`${subject}.x`, encode(['app.full', entries([{ time: new EventTime(1, 0), record: { i } }])]))
    await waitUntil(() => gate.emits >= 3, 'a few refused emits')
    expect(agent.logs.some((l) => /The buffer is full; holding the message/.test(l.message))).toBe(true)
    const info = await (await manager(nc)).consumers.info(stream, 'full')
    expect(info.num_ack_pending).toBe(1)
    gate.full = false
    await waitUntil(() => gate.events.length === 3, 'every event')
    expect(input.reader.counters.naked).toBe(0)
    expect((await (await manager(nc)).consumers.info(stream, 'full')).num_redelivered).toBe(0)
  })

  it('refuses a push consumer, and waits for a consumer it must not create', async () => {
    n++
    const stream = `IN${n}`
    const jsm = await manager(nc)
    await jsm.streams.add({ name: stream, subjects: [`in${n}.>`] })
    await jsm.consumers.add(stream, { durable_name: 'pushed', ack_policy: 'explicit', deliver_subject: `deliver.${n}` })
    const conf = (consumer: string, extra = '') =>
      `<source>\n  @type nats\n  servers ${server.url}\n  stream ${stream}\n  consumer ${consumer}\n${extra}\n</source>\n<match **>\n  @type null\n</match>`
    const a = await startAgent(conf('pushed'), [inNats, outNull])
    running.push(a)
    await waitUntil(
      () => a.logs.some((l) => l.level === 'error' && /is a push consumer; in_nats needs a pull consumer/.test(String(l.fields.error))),
      'the refusal',
    )
    const b = await startAgent(conf('later', '  create_consumer false'), [inNats, outNull])
    running.push(b)
    await waitUntil(
      () => b.logs.some((l) => /does not exist on stream .* \(create_consumer false\)/.test(String(l.fields.error))),
      'the wait',
    )
    await jsm.consumers.add(stream, { durable_name: 'later', ack_policy: 'explicit' })
    await js().publish(`in${n}.x`, encode(['app.later', entries([{ time: new EventTime(1, 0), record: { ok: 1 } }])]))
    await waitUntil(
      async () =>
        (await jsm.consumers.info(stream, 'later')).num_ack_pending === 0 &&
        (await jsm.consumers.info(stream, 'later')).delivered.stream_seq === 1,
      'the message consumed',
      15_000,
    )
  })

  it('refuses settings that make no sense, at config time', async () => {
    const conf = (extra: string) =>
      `<source>\n  @type nats\n  stream S\n  consumer c\n${extra}\n</source>\n<match **>\n  @type null\n</match>`
    await expect(startAgent(conf('  batch_size 100\n  max_ack_pending 10'), [inNats, outNull])).rejects.toThrow(
      /batch_size cannot be more than max_ack_pending/,
    )
    await expect(startAgent(conf('  max_deliver 0'), [inNats, outNull])).rejects.toThrow(/max_deliver must be 1 or more, or -1/)
    await expect(startAgent(conf('  consumer a.b'), [inNats, outNull])).rejects.toThrow(/a consumer name cannot contain/)
    await expect(startAgent(conf('  token t\n  user u\n  password p'), [inNats, outNull])).rejects.toThrow(/authenticate one way/)
  })

  it('shares one durable consumer between two agents: each gets some, together all, none twice', async () => {
    const a = await setup('  consumer shared\n  batch_size 4')
    const b = await startAgent(
      `<source>
  @type nats
  @label @OUT
  servers ${server.url}
  stream ${a.stream}
  consumer shared
  batch_size 4
  fetch_expires 1
</source>
<label @OUT>
  <match **>
    @type capture
    @id shared_b
  </match>
</label>`,
      [inNats],
    )
    running.push(b)
    const total = 400
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        js().publish(`${a.subject}.x`, encode(['app.shared', entries([{ time: new EventTime(1, 0), record: { i } }])])),
      ),
    )
    const capA = captures.get(a.id)!
    const capB = captures.get('shared_b')!
    await waitUntil(() => capA.events.length + capB.events.length >= total, 'every event', 20_000)
    const seen = [...capA.events, ...capB.events].map((e) => e.record.i as number).sort((x, y) => x - y)
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(capA.events.length).toBeGreaterThan(0)
    expect(capB.events.length).toBeGreaterThan(0)
  })
})
