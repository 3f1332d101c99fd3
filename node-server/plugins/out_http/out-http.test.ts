/**
 * @module out_http through the agent and the buffered output: events arrive, 503 and 429 are
 * retried until they succeed (every event delivered once), a 400 goes to <secondary> (or is
 * reported undeliverable without one), and a memory buffer flushes at shutdown.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { EventTime } from '../../../engine/event-time.ts'
import { decodeStream, streamFromEvents, type Event } from '../../../engine/event-stream.ts'
import { bufferSection } from '../../../engine/output/buffer-schema.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { outHttp } from './index.ts'
import { recordingServer, type RecordingServer } from './testing.ts'

let running: TestAgent | null = null
let server: RecordingServer | null = null
afterEach(async () => {
  await running?.stop()
  running = null
  await server?.close()
  server = null
  sunk.length = 0
})

/** A test secondary: takes the primary's chunks (it accepts the <buffer> createSecondary injects). */
const sunk: (Event & { tag: string })[] = []
const sink: PluginSpec<'output'> = {
  name: 'sink',
  kind: 'output',
  description: 'test secondary',
  schema: { params: [], sections: [bufferSection()] },
  runtimes: ['node'],
  create: (ctx): OutputPlugin => ({
    emit: (stream) => {
      for (const e of decodeStream(ctx.core, stream)) sunk.push({ tag: stream.tag, ...e })
    },
  }),
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const FAST = 'flush_mode immediate\nflush_thread_interval 0.02\nretry_wait 0.05\nretry_randomize false'
const stream = (n: number, from = 0) =>
  streamFromEvents(
    'app.web',
    Array.from({ length: n }, (_, i) => ({ time: new EventTime(1441588984, 0), record: { i: from + i } })),
  )
const delivered = (s: RecordingServer) =>
  s.received
    .filter((r) => r.status === 200)
    .flatMap((r) =>
      r.body
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).i as number),
    )

async function start(match: string) {
  server = await recordingServer()
  running = await startAgent(match.replace('ENDPOINT', `${server.url}/ingest`), [outHttp, sink])
  return { server, agent: running }
}

describe('out_http with its buffer', () => {
  it('delivers every event (NDJSON, one request per chunk)', async () => {
    const { server, agent } = await start(`<match app.**>\n@type http\nendpoint ENDPOINT\n<buffer>\n${FAST}\n</buffer>\n</match>`)
    agent.agent.root.emit(stream(3))
    agent.agent.root.emit(stream(2, 3))
    await until(() => delivered(server).length === 5)
    expect(delivered(server)).toEqual([0, 1, 2, 3, 4])
  })

  it('retries 503 and 429 with backoff until the server accepts; each event arrives once', async () => {
    const { server, agent } = await start(`<match app.**>\n@type http\nendpoint ENDPOINT\n<buffer>\n${FAST}\n</buffer>\n</match>`)
    server.script.push(503, 429, 503)
    agent.agent.root.emit(stream(4))
    const metrics = agent.agent.plugins.find((p) => p.type === 'http')!.metrics
    // The server sees the request before the buffer hears the 200: wait for the commit.
    await until(() => metrics.eventsOut === 4)
    expect(server.received.map((r) => r.status)).toEqual([503, 429, 503, 200])
    expect(delivered(server)).toEqual([0, 1, 2, 3])
    expect(metrics.retries).toBe(3)
  })

  it('sends a chunk answered 400 to <secondary> at once (unrecoverable), without retrying', async () => {
    const { server, agent } = await start(
      `<match app.**>\n@type http\nendpoint ENDPOINT\n<buffer tag>\n${FAST}\n</buffer>\n<secondary>\n@type sink\n</secondary>\n</match>`,
    )
    server.script.push(400)
    agent.agent.root.emit(stream(2))
    await until(() => sunk.length === 2)
    expect(sunk.map((e) => [e.tag, e.record.i])).toEqual([
      ['app.web', 0],
      ['app.web', 1],
    ])
    expect(server.received).toHaveLength(1)
  })

  it('reports a chunk answered 400 as undeliverable when there is no secondary (no backup storage in this runtime)', async () => {
    const { server, agent } = await start(`<match app.**>\n@type http\nendpoint ENDPOINT\n<buffer>\n${FAST}\n</buffer>\n</match>`)
    server.script.push(400)
    agent.agent.root.emit(stream(2))
    await until(() => agent.logs.some((l) => l.level === 'error' && /Undeliverable chunk/.test(l.message)))
    expect(server.received).toHaveLength(1)
    expect(agent.logs.find((l) => /Undeliverable chunk/.test(l.message))?.fields.error).toContain('400 Bad Request')
  })

  it('flushes a memory buffer at shutdown', async () => {
    const { server, agent } = await start(
      `<match app.**>\n@type http\nendpoint ENDPOINT\njson_array true\n<buffer>\nflush_interval 1h\n</buffer>\n</match>`,
    )
    agent.agent.root.emit(stream(3))
    expect(server.received).toHaveLength(0)
    await agent.stop()
    running = null
    expect(server.received).toHaveLength(1)
    expect(JSON.parse(server.received[0].body.toString('utf8'))).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }])
  })
})
