/**
 * @module The queue output inside workerd. Producer: messages of at most message_size_limit in
 * sendBatch calls within Cloudflare's limits, 202 only after the Queue accepted them all, 503 when
 * it refused. Consumer: groups delivered with <store>, acked or retried with backoff, foreign
 * messages retried into the dead-letter queue. And the whole path on miniflare's real Queues
 * through the test Worker: producer → consumer → delivery, retries, the dead-letter queue, and
 * delivery over the Forward protocol to a sluice in_forward.
 */

import { exports } from 'cloudflare:workers'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeStream } from '../../engine/event-stream.ts'
import { captures } from '../../test/helpers/capture-output.ts'
import type { QueueSendRequest } from '../src/platform.ts'
import type { QueueMessage } from '../src/plugins/out_queue/consumer.ts'
import type { QueuedEvents } from '../src/plugins/out_queue/message.ts'
import { flakies } from './plugins.ts'
import { core, platform, receivedBy, runtime, stopRuntimes, uniqueTag, waitUntil } from './support.ts'
import { deadLetters } from './worker.ts'

afterEach(stopRuntimes)

const queued = (params = '', store = '<store>\n    @type capture\n    @id qstore\n  </store>') =>
  `<source>\n  @type http\n  record_size_limit 200k\n</source>\n<match **>\n  @type queue\n  @id q\n${params}\n  ${store}\n</match>\n`

function fakeQueue(fail: (batch: number) => boolean = () => false) {
  const batches: QueueSendRequest<QueuedEvents>[][] = []
  const log: string[] = []
  return {
    batches,
    log,
    producer: {
      send: async () => {
        throw new Error('send is not used')
      },
      async sendBatch(messages: Iterable<QueueSendRequest>) {
        const batch = [...messages] as QueueSendRequest<QueuedEvents>[]
        await new Promise((r) => setTimeout(r, 1))
        if (fail(batches.length)) throw new Error('Too Many Requests')
        batches.push(batch)
        log.push(`batch ${batches.length}`)
      },
    },
  }
}

describe('producer', () => {
  it('packs the stream into messages ≤ message_size_limit and sendBatch calls ≤ 100 messages / 256 KB, then answers 202', async () => {
    const q = fakeQueue()
    const t = await runtime(queued('  message_size_limit 10k'), { platform: platform({ QUEUE: q.producer }) })
    const batch = Array.from({ length: 400 }, (_, i) => ({ i, pad: 'x'.repeat(1000) }))
    const res = await t.post('/big', JSON.stringify(batch))
    q.log.push('answered')
    expect(res.status).toBe(202)
    expect(q.log[q.log.length - 1]).toBe('answered')
    const messages = q.batches.flat()
    expect(q.batches.length).toBeGreaterThan(1)
    for (const b of q.batches) {
      expect(b.length).toBeLessThanOrEqual(100)
      expect(b.reduce((n, m) => n + m.body.entries.length, 0)).toBeLessThanOrEqual(256 * 1024)
    }
    for (const m of messages) {
      expect(m.contentType).toBe('v8')
      expect(m.body).toMatchObject({ sluice: 1, output: 'q', tag: 'big' })
      expect(m.body.entries.length).toBeLessThanOrEqual(10 * 1024)
    }
    expect(messages.reduce((n, m) => n + m.body.count, 0)).toBe(400)
    const first = decodeStream(core, { tag: 'big', entries: messages[0].body.entries, count: messages[0].body.count })
    expect(first[0].record.i).toBe(0)
  })

  it('answers 503 + Retry-After when the Queue refuses a batch', async () => {
    const q = fakeQueue(() => true)
    const t = await runtime(queued(), { platform: platform({ QUEUE: q.producer }) })
    const res = await t.post('/x', '{"a":1}')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(((await res.json()) as { error: string }).error).toBe('the Queue QUEUE refused batch 1 of 1: Too Many Requests')
  })

  it('answers 500 without a producer binding, and for an event larger than a message', async () => {
    const none = await runtime(queued('  binding MISSING'), { platform: platform({}) })
    const res = await none.post('/x', '{"a":1}')
    expect(res.status).toBe(500)
    expect(((await res.json()) as { error: string }).error).toMatch(/no Queue producer bound as MISSING/)
    const q = fakeQueue()
    const t = await runtime(queued('  message_size_limit 2k'), { platform: platform({ QUEUE: q.producer }) })
    const big = await t.post('/x', JSON.stringify({ pad: 'y'.repeat(5000) }))
    expect(big.status).toBe(500)
    expect(((await big.json()) as { error: string }).error).toMatch(/more than a Queue message carries/)
  })

  it('refuses a message_size_limit a Queue message cannot hold', async () => {
    const t = await runtime(queued('  message_size_limit 200k'))
    expect(t.runtime.errors.join()).toMatch(/message_size_limit must be between/)
  })
})

interface FakeMessage extends QueueMessage {
  outcome: 'pending' | 'ack' | number
}

function message(body: unknown, attempts = 1): FakeMessage {
  const m: FakeMessage = {
    id: crypto.randomUUID(),
    body,
    attempts,
    outcome: 'pending',
    ack: () => {
      m.outcome = 'ack'
    },
    retry: (o) => {
      m.outcome = o?.delaySeconds ?? -1
    },
  }
  return m
}

describe('consumer', () => {
  async function produced(tag: string, events: object[]): Promise<QueuedEvents[]> {
    const q = fakeQueue()
    const t = await runtime(queued('  message_size_limit 1k'), { platform: platform({ QUEUE: q.producer }) })
    await t.post(`/${tag}`, JSON.stringify(events))
    return q.batches.flat().map((m) => m.body)
  }

  it('delivers consecutive messages of one tag as one stream with <store>, and acks them', async () => {
    const bodies = await produced(
      'c',
      Array.from({ length: 30 }, (_, i) => ({ i, pad: 'z'.repeat(100) })),
    )
    expect(bodies.length).toBeGreaterThan(2)
    const t = await runtime(queued('', '<store>\n    @type capture\n    @id consumer_a\n  </store>'))
    const messages = bodies.map((b) => message(b))
    expect(await t.runtime.consume({ queue: 'q', messages })).toEqual({ delivered: messages.length, retried: 0 })
    expect(messages.every((m) => m.outcome === 'ack')).toBe(true)
    expect(captures.get('consumer_a')!.events.map((e) => e.record.i)).toEqual(Array.from({ length: 30 }, (_, i) => i))
  })

  it('retries a failed delivery with retry_wait doubling per attempt (capped)', async () => {
    const [body] = await produced('r', [{ a: 1 }])
    const t = await runtime(queued('  retry_wait 2\n  retry_max_interval 10', '<store>\n    @type flaky\n    fail_times 100\n  </store>'))
    const messages = [message(body, 1), message(body, 3), message(body, 9)]
    for (const m of messages) await t.runtime.consume({ queue: 'q', messages: [m] })
    expect(messages.map((m) => m.outcome)).toEqual([2, 8, 10])
    expect(t.logs.some((l) => l.message.startsWith('queue delivery failed'))).toBe(true)
  })

  it('retries what is not a sluice message, or names an output the config lacks (→ dead-letter queue)', async () => {
    const [body] = await produced('o', [{ a: 1 }])
    const t = await runtime(queued() + '<match other>\n  @type queue\n  @id q2\n  <store>\n    @type null\n  </store>\n</match>\n')
    const foreign = message({ hello: 'world' })
    const orphan = message({ ...body, output: 'gone' })
    expect(await t.runtime.consume({ queue: 'q', messages: [foreign, orphan] })).toEqual({ delivered: 0, retried: 2 })
    expect([foreign.outcome, orphan.outcome]).toEqual([60, 60])
    // with one queue output only, a message naming another @id is delivered by it
    const single = await runtime(queued('', '<store>\n    @type capture\n    @id consumer_single\n  </store>'))
    const renamed = message({ ...body, output: 'renamed' })
    await single.runtime.consume({ queue: 'q', messages: [renamed] })
    expect(renamed.outcome).toBe('ack')
  })
})

describe('the Queue path on miniflare (the test Worker, its wrangler.jsonc Queues)', () => {
  const worker = (exports as unknown as { default: Fetcher }).default
  const post = (path: string, body: string) =>
    worker.fetch(`http://edge.test${path}`, {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
    })

  it('producer → consumer → <store>: the 202 comes when the Queue took the events, delivery follows', async () => {
    const tag = uniqueTag('queue.ok')
    const res = await post(`/${tag}`, '[{"n":1},{"n":2}]')
    expect(res.status).toBe(202)
    await waitUntil(() => (captures.get('q_ok_store')?.events.filter((e) => e.tag === tag).length ?? 0) >= 2, 'the consumer to deliver')
    expect(
      captures
        .get('q_ok_store')!
        .events.filter((e) => e.tag === tag)
        .map((e) => e.record.n),
    ).toEqual([1, 2])
  })

  it('redelivers after failures until the <store> takes the events', async () => {
    const tag = uniqueTag('queue.flaky')
    expect((await post(`/${tag}`, '{"n":1}')).status).toBe(202)
    await waitUntil(() => (flakies.get('q_flaky_store')?.events.length ?? 0) >= 1, 'the third delivery attempt')
    expect(flakies.get('q_flaky_store')!.failures).toBe(2)
  })

  it('moves messages that never get delivered to the dead-letter queue after max_retries', async () => {
    const tag = uniqueTag('queue.dead')
    expect((await post(`/${tag}`, '{"n":1}')).status).toBe(202)
    await waitUntil(() => deadLetters.some((d) => (d.body as QueuedEvents).tag === tag), 'the dead-letter queue', 20_000)
    const dead = deadLetters.find((d) => (d.body as QueuedEvents).tag === tag)!
    expect(dead.body).toMatchObject({ sluice: 1, output: 'q_dead', tag, count: 1 })
  })

  it('delivers from the Queue over the Forward protocol to a sluice in_forward', async () => {
    const tag = uniqueTag('queue.fwd')
    expect((await post(`/${tag}`, '[{"q":1},{"q":2}]')).status).toBe(202)
    expect((await receivedBy('sluice', tag, 2)).map((e) => e.record.q)).toEqual([1, 2])
  })
})
