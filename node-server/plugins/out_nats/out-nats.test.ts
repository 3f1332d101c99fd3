/**
 * @module out_nats against a real nats-server (Debian's, started by the test on a free port with a
 * temp store): the stream it creates, the messages it publishes (Forward msgpack read back by the
 * test's own decoder, ids from the chunk id, split by max_message_bytes), a chunk written twice
 * stored once, a publish timeout (server paused with SIGSTOP) rolling the chunk back until SIGCONT,
 * a stream that refuses (discard new), no stream for the subject, core NATS, `<format>`, and events
 * too large for a message going to @ERROR.
 */

import type { NatsConnection } from '@nats-io/transport-node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { newChunkId, type Chunk } from '../../../engine/output/chunk.ts'
import { waitUntil } from '../../../engine/output/testing.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { forwardEvents, manager, natsClient, readStream, waitForStream } from '../../../test/helpers/nats-client.ts'
import { NatsSandbox, type NatsServer } from '../../../test/helpers/nats-server.ts'
import type { NatsOutput } from './index.ts'
import { outNats } from './index.ts'

let sandbox: NatsSandbox
let server: NatsServer
let nc: NatsConnection
beforeAll(async () => {
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

let streamNo = 0
/** A fresh stream and subject prefix per test. */
function names(): { stream: string; prefix: string } {
  streamNo++
  return { stream: `S${streamNo}`, prefix: `t${streamNo}` }
}

async function agent(match: string, extra = ''): Promise<{ agent: TestAgent; out: NatsOutput }> {
  const a = await startAgent(`<match app.**>\n  @type nats\n  @id out\n  servers ${server.url}\n${match}\n</match>\n${extra}`, [outNats])
  running.push(a)
  const out = a.agent.plugins.find((p) => p.id === 'out')!.plugin as NatsOutput
  return { agent: a, out }
}

const records = (n: number, pad = 0) =>
  Array.from({ length: n }, (_, i) => ({ time: new EventTime(1_700_000_000 + i, 123_456_789), record: { i, pad: 'p'.repeat(pad) } }))

const immediate = `  <buffer tag>\n    flush_mode immediate\n    retry_wait 0.1\n    retry_max_interval 0.5\n  </buffer>`

describe('out_nats on JetStream', () => {
  it('creates the stream with its settings and publishes Forward messages whose ids come from the chunk id', async () => {
    const { stream, prefix } = names()
    const { agent: a } = await agent(
      `  subject ${prefix}.\${tag}
  stream ${stream}
  create_stream true
  stream_max_age 1h
  stream_max_bytes 64m
  stream_storage memory
  stream_duplicate_window 30s
  max_message_bytes 4k
${immediate}`,
    )
    a.agent.root.emit(streamFromEvents('app.web', records(100, 20)))
    await waitForStream(nc, stream, 1)
    const info = await (await manager(nc)).streams.info(stream)
    expect(info.config).toMatchObject({
      subjects: [`${prefix}.>`],
      storage: 'memory',
      max_age: 3600e9,
      max_bytes: 64 * 1024 * 1024,
      duplicate_window: 30e9,
      retention: 'limits',
      num_replicas: 1,
    })
    await waitUntil(async () => (await readStream(nc, stream)).reduce((n, m) => n + forwardEvents(m.data).size, 0) === 100, '100 events')
    const messages = await readStream(nc, stream)
    expect(messages.length).toBeGreaterThan(1)
    const ids = messages.map((m) => m.headers['Nats-Msg-Id'])
    const chunk = ids[0].split('-')[0]
    expect(chunk).toMatch(/^[0-9a-f]{32}$/)
    expect(ids).toEqual(messages.map((_, i) => `${chunk}-${i}`))
    const events = messages.flatMap((m) => {
      expect(m.subject).toBe(`${prefix}.app.web`)
      expect(m.data.length).toBeLessThanOrEqual(4096)
      return forwardEvents(m.data).events
    })
    expect(events.map((e) => e.record.i)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(events[5]).toMatchObject({ tag: 'app.web', time: new EventTime(1_700_000_005, 123_456_789) })
  })

  it('stores a chunk written twice once (Nats-Msg-Id within the duplicate window), and says so', async () => {
    const { stream, prefix } = names()
    const { out } = await agent(
      `  subject ${prefix}.\${tag}\n  stream ${stream}\n  create_stream true\n  max_message_bytes 2k\n${immediate}`,
    )
    const s = streamFromEvents('app.dup', records(40, 10))
    const chunk: Chunk = {
      id: newChunkId(),
      tag: 'app.dup',
      timekey: null,
      variables: {},
      entries: s.entries,
      count: s.count,
      createdAt: Date.now(),
    }
    await out.writer.write(chunk)
    const first = (await readStream(nc, stream)).length
    await out.writer.write(chunk)
    expect((await readStream(nc, stream)).length).toBe(first)
    expect(out.writer.counters.duplicates).toBe(first)
    expect(out.status!()).toMatchObject({ nats: { connected: true, duplicates_acked: first } })
  })

  it('rolls a chunk back when JetStream does not ack within publish_timeout (server paused), and delivers it once after SIGCONT', async () => {
    const { stream, prefix } = names()
    const { agent: a, out } = await agent(
      `  subject ${prefix}.\${tag}\n  stream ${stream}\n  create_stream true\n  publish_timeout 0.5\n${immediate}`,
    )
    a.agent.root.emit(streamFromEvents('app.a', records(3)))
    await waitForStream(nc, stream, 1)
    await server.pause()
    try {
      a.agent.root.emit(streamFromEvents('app.b', records(5)))
      await waitUntil(
        () =>
          a.logs.some(
            (l) =>
              l.message === 'Failed to flush the buffer.' && /did not acknowledge .* within publish_timeout/.test(String(l.fields.error)),
          ),
        'a publish timeout',
        10_000,
      )
      expect(out.status!()).toMatchObject({ buffer_queue_length: 1 })
      expect(out.writer.counters.timeouts).toBeGreaterThan(0)
    } finally {
      server.resume()
    }
    await waitUntil(() => out.status!().buffer_queue_length === 0, 'the chunk delivered', 15_000)
    const events = (await readStream(nc, stream)).flatMap((m) => forwardEvents(m.data).events)
    expect(events.map((e) => `${e.tag}:${e.record.i}`)).toEqual([
      'app.a:0',
      'app.a:1',
      'app.a:2',
      'app.b:0',
      'app.b:1',
      'app.b:2',
      'app.b:3',
      'app.b:4',
    ])
  })

  it('keeps retrying a chunk the stream refuses (discard new at max_msgs) until there is room', async () => {
    const { stream, prefix } = names()
    const { agent: a, out } = await agent(
      `  subject ${prefix}.\${tag}\n  stream ${stream}\n  create_stream true\n  stream_max_msgs 1\n  stream_discard new\n${immediate}`,
    )
    a.agent.root.emit(streamFromEvents('app.a', records(1)))
    await waitForStream(nc, stream, 1)
    a.agent.root.emit(streamFromEvents('app.b', records(1)))
    await waitUntil(() => a.logs.some((l) => /JetStream refused .*maximum messages/.test(String(l.fields.error))), 'the refusal', 10_000)
    expect(out.status!().buffer_queue_length).toBe(1)
    await (await manager(nc)).streams.purge(stream)
    await waitUntil(() => out.status!().buffer_queue_length === 0, 'the retried chunk', 10_000)
    expect((await readStream(nc, stream)).map((m) => forwardEvents(m.data).tag)).toEqual(['app.b'])
  })

  it('creates the stream again when it was deleted while running (create_stream)', async () => {
    const { stream, prefix } = names()
    const { agent: a, out } = await agent(`  subject ${prefix}.\${tag}\n  stream ${stream}\n  create_stream true\n${immediate}`)
    a.agent.root.emit(streamFromEvents('app.a', records(1)))
    await waitForStream(nc, stream, 1)
    await (await manager(nc)).streams.delete(stream)
    a.agent.root.emit(streamFromEvents('app.b', records(2)))
    await waitUntil(
      () => a.logs.filter((l) => l.message === 'Created the JetStream stream.').length === 2,
      'the stream created again',
      10_000,
    )
    await waitForStream(nc, stream, 1)
    await waitUntil(() => out.status!().buffer_queue_length === 0, 'the chunk delivered')
    expect((await readStream(nc, stream)).flatMap((m) => forwardEvents(m.data).events.map((e) => `${e.tag}:${e.record.i}`))).toEqual([
      'app.b:0',
      'app.b:1',
    ])
  })

  it('says plainly when no stream takes the subject', async () => {
    const { prefix } = names()
    const { out } = await agent(`  subject ${prefix}.nowhere\n${immediate}`)
    const s = streamFromEvents('app.x', records(1))
    const chunk: Chunk = {
      id: newChunkId(),
      tag: 'app.x',
      timekey: null,
      variables: {},
      entries: s.entries,
      count: 1,
      createdAt: Date.now(),
    }
    await expect(out.writer.write(chunk)).rejects.toThrow(/no JetStream stream takes message 1 of 1 .* \(no responders\)/)
  })

  it('refuses a subject that a tag makes invalid (unrecoverable: the chunk goes to the backup, not retried)', async () => {
    const { out } = await agent(`  subject x.\${tag}\n${immediate}`)
    const s = streamFromEvents('app..x', records(1))
    const chunk: Chunk = {
      id: newChunkId(),
      tag: 'app..x',
      timekey: null,
      variables: {},
      entries: s.entries,
      count: 1,
      createdAt: Date.now(),
    }
    await expect(out.writer.write(chunk)).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message: expect.stringMatching(/empty token/),
    })
  })

  it('sends events larger than one message to @ERROR once and publishes the rest', async () => {
    const { stream, prefix } = names()
    const { agent: a, out } = await agent(
      `  subject ${prefix}.\${tag}\n  stream ${stream}\n  create_stream true\n  max_message_bytes 2k\n${immediate}`,
      '<label @ERROR>\n  <match **>\n    @type capture\n    @id errors\n  </match>\n</label>',
    )
    a.agent.root.emit(
      streamFromEvents('app.big', [
        { time: new EventTime(1, 0), record: { i: 0 } },
        { time: new EventTime(2, 0), record: { i: 1, big: 'b'.repeat(5000) } },
        { time: new EventTime(3, 0), record: { i: 2 } },
      ]),
    )
    const errors = await captures.get('errors')!.waitFor(1)
    expect(errors.map((e) => e.record.i)).toEqual([1])
    // The big event leaves a gap in the chunk's bytes: the events around it go in two messages.
    await waitForStream(nc, stream, 2)
    expect((await readStream(nc, stream)).flatMap((m) => forwardEvents(m.data).events.map((e) => e.record.i))).toEqual([0, 2])
    expect(errors).toHaveLength(1)
    expect(out.writer.counters.messages).toBe(2)
  })

  it('gzip: CompressedPackedForward messages', async () => {
    const { stream, prefix } = names()
    const { agent: a } = await agent(`  subject ${prefix}.\${tag}\n  stream ${stream}\n  create_stream true\n  compress gzip\n${immediate}`)
    a.agent.root.emit(streamFromEvents('app.gz', records(50, 100)))
    await waitForStream(nc, stream, 1)
    const [m] = await readStream(nc, stream)
    const { options, events } = forwardEvents(m.data)
    expect(options).toEqual({ size: 50, compressed: 'gzip' })
    expect(events.map((e) => e.record.i)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(m.data.length).toBeLessThan(2000)
  })

  it('<format> json: one JSON object per message by default', async () => {
    const { stream, prefix } = names()
    const { agent: a } = await agent(
      `  subject ${prefix}.\${tag}\n  stream ${stream}\n  create_stream true\n  <format>\n    @type json\n  </format>\n${immediate}`,
    )
    a.agent.root.emit(
      streamFromEvents('app.json', [
        { time: new EventTime(1, 0), record: { a: 1, s: 'é' } },
        { time: new EventTime(2, 0), record: { a: 2n ** 62n } },
      ]),
    )
    await waitForStream(nc, stream, 2)
    const texts = (await readStream(nc, stream)).map((m) => new TextDecoder().decode(m.data))
    expect(texts).toEqual(['{"a":1,"s":"é"}\n', `{"a":${2n ** 62n}}\n`])
  })
})

describe('out_nats on core NATS (jetstream false)', () => {
  it('publishes fire-and-forget to subscribers', async () => {
    const { prefix } = names()
    const sub = nc.subscribe(`${prefix}.>`, { max: 1 })
    await nc.flush()
    const { agent: a, out } = await agent(`  subject ${prefix}.\${tag}\n  jetstream false\n${immediate}`)
    expect(a.logs.some((l) => /fire-and-forget/.test(l.message))).toBe(true)
    a.agent.root.emit(streamFromEvents('app.core', records(2)))
    for await (const m of sub) {
      expect(m.subject).toBe(`${prefix}.app.core`)
      expect(m.headers).toBeUndefined()
      expect(forwardEvents(m.data).events.map((e) => e.record.i)).toEqual([0, 1])
    }
    await waitUntil(() => out.writer.counters.messages === 1, 'the write counted')
  })

  it('refuses stream settings', async () => {
    await expect(
      startAgent(`<match app.**>\n  @type nats\n  servers ${server.url}\n  subject a\n  jetstream false\n  stream S\n</match>`, [outNats]),
    ).rejects.toThrow(/jetstream false publishes on core NATS, which has no streams/)
  })
})
