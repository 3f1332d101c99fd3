/**
 * @module Backpressure at total_limit_size with overflow_action block, across the input/buffer
 * boundary on real sockets: in_forward stops reading (the connection is paused, the sender's
 * writes stall in its own socket buffer, the daemon holds only what fits the buffer) and resumes
 * when the buffer drains — every event arrives, every ack is written; in_http answers 503 with
 * Retry-After while the buffer is full and 200 again once it drained.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import { bufferSection, resolveBufferConfig } from '../../engine/output/buffer-schema.ts'
import { createBufferedOutput } from '../../engine/output/buffered-output.ts'
import { RecordingWriter } from '../../engine/output/testing.ts'
import type { PluginSpec } from '../../engine/plugin.ts'
import { inHttp, type InHttpPlugin } from '../../node-server/plugins/in_http/index.ts'
import { inForward, type ForwardInput } from '../../node-server/plugins/in_forward/index.ts'
import { RawClient, waitUntil } from '../../node-server/plugins/in_forward/testing.ts'
import { startAgent, type TestAgent } from '../helpers/agent.ts'

/** `@type gated`: a real buffered output whose writes wait until the test opens the gate. */
const gates = new Map<string, { writer: RecordingWriter; open: () => void }>()
const gatedOutput: PluginSpec<'output'> = {
  name: 'gated',
  kind: 'output',
  description: 'test: buffered output with a gated writer',
  runtimes: ['node'],
  schema: { params: [], sections: [bufferSection()] },
  create(ctx, config: { buffer: Record<string, unknown> }) {
    const writer = new RecordingWriter()
    let open!: () => void
    writer.gate = new Promise<void>((resolve) => {
      open = resolve
    })
    gates.set(ctx.id, { writer, open })
    return createBufferedOutput(ctx, { buffer: resolveBufferConfig(config.buffer).config, writer })
  },
}

const BUFFER = `  <buffer>
    total_limit_size 64k
    chunk_limit_size 16k
    overflow_action block
    flush_mode immediate
    flush_thread_interval 0.02
  </buffer>`

let running: TestAgent | null = null
const clients: RawClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const g of gates.values()) g.open()
  await running?.stop()
  running = null
  gates.clear()
})

const T = 1_700_000_000
/** `[tag, time, record, {chunk}]` with a ~10 KB record. */
const message = (i: number) => Buffer.from(encode(['bp.t', T, { i, pad: 'p'.repeat(10_000) }, { chunk: `c${i}` }]))

describe('overflow_action block: in_forward', () => {
  it("stops reading: the sender's writes stall, the daemon holds only the buffer; everything flows once it drains", async () => {
    running = await startAgent(
      `<source>\n  @type forward\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type gated\n  @id out\n${BUFFER}\n</match>`,
      [inForward, gatedOutput],
    )
    const input = running.agent.plugins.find((p) => p.id === 'in')!
    const gate = gates.get('out')!
    const c = await RawClient.open((input.plugin as ForwardInput).address().port)
    clients.push(c)
    const n = 2000
    const flood = Buffer.concat(Array.from({ length: n }, (_, i) => message(i)))
    c.socket.write(flood)
    await waitUntil(() => (input.plugin as ForwardInput).connections()[0]?.paused === true, 'the connection to be paused')
    await waitUntil(() => c.socket.writableLength > 0, 'the sender to hold unsent bytes')
    // Stalled: over half a second neither side moves.
    const read = input.metrics.bytesIn
    const unsent = c.socket.writableLength
    await new Promise((r) => setTimeout(r, 500))
    expect(input.metrics.bytesIn).toBe(read)
    expect(c.socket.writableLength).toBe(unsent)
    expect(read).toBeLessThan(flood.length / 4)
    expect(c.received.length).toBeLessThan(n * 8)
    gate.open()
    await waitUntil(() => gate.writer.events === n, 'every event written', 30_000)
    await c.waitForBytes(Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.from(encode({ ack: `c${i}` })))).length, 10_000)
    expect(c.socket.writableLength).toBe(0)
    expect((input.plugin as ForwardInput).connections()[0]).toMatchObject({ paused: false })
  })
})

describe('overflow_action block: in_http', () => {
  it('answers 503 with Retry-After while the buffer is full, 200 once it drained', async () => {
    running = await startAgent(
      `<source>\n  @type http\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type gated\n  @id out\n${BUFFER}\n</match>`,
      [inHttp, gatedOutput],
    )
    const port = (running.agent.plugins.find((p) => p.id === 'in')!.plugin as InHttpPlugin).address().port
    const gate = gates.get('out')!
    const post = (i: number) =>
      fetch(`http://127.0.0.1:${port}/bp.http`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ i, pad: 'q'.repeat(10_000) }),
      })
    const statuses: number[] = []
    let busy: Response | null = null
    for (let i = 0; i < 20 && busy === null; i++) {
      const res = await post(i)
      statuses.push(res.status)
      if (res.status === 503) busy = res
      else await res.arrayBuffer()
    }
    expect(busy, `statuses ${statuses.join(',')}`).not.toBeNull()
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true)
    expect(busy!.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await busy!.text()).toMatch(/buffer/)
    const accepted = statuses.length - 1
    gate.open()
    await waitUntil(() => gate.writer.events === accepted, 'the accepted events written', 10_000)
    const again = await post(99)
    expect(again.status).toBe(200)
    await waitUntil(() => gate.writer.events === accepted + 1, 'the last event', 10_000)
  })
})
