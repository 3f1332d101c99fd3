/**
 * @module Delivery rules of the buffered output: `<buffer> delivery` (none never fails or waits,
 * buffered and durable return the store's promise), emits that must not block (in_http) getting
 * BufferOverflowError at once, ack rollbacks written again without a retry step, and the abort
 * signal a writer gets when the buffer gives up on a write.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadCore } from '../../wasm/load-node.ts'
import type { Core } from '../../wasm/core.ts'
import { streamFromEvents, type EventStream } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import { withoutBlocking } from './backpressure.ts'
import { resolveBufferConfig } from './buffer-schema.ts'
import { createBufferedOutput, type BufferedOutput } from './buffered-output.ts'
import type { Chunk, ChunkWriter, WriteContext } from './chunk.ts'
import { BufferOverflowError, MAX_FREE_ROLLBACKS, RollbackError } from './errors.ts'
import type { BufferStore, StoreChunk } from './store.ts'
import { createMemoryStore } from './memory-store.ts'
import { RecordingWriter, testContext, waitUntil } from './testing.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const open: BufferedOutput[] = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.shutdown?.()
})

function events(n: number, from = 0): EventStream {
  return streamFromEvents(
    'a',
    Array.from({ length: n }, (_, i) => ({ time: new EventTime(1_700_000_000, 0), record: { i: from + i, pad: 'x'.repeat(40) } })),
  )
}

async function output(buffer: Record<string, unknown>, writer: ChunkWriter = new RecordingWriter(), store?: BufferStore) {
  const t = testContext(core)
  const config = resolveBufferConfig({
    flush_thread_interval: 0.01,
    flush_interval: 3600,
    delayed_commit_timeout: 2,
    retry_randomize: false,
    ...buffer,
  }).config
  const out = createBufferedOutput(t.ctx, { buffer: config, writer, store, random: () => 0.5 })
  open.push(out)
  await out.start!()
  return { out, ...t }
}

describe('<buffer> delivery', () => {
  it('is buffered by default; none with overflow_action block is a config error', () => {
    expect(resolveBufferConfig({}).config.delivery).toBe('buffered')
    expect(() => resolveBufferConfig({ delivery: 'none', overflow_action: 'block' })).toThrow(/delivery none never makes an input wait/)
    expect(resolveBufferConfig({ '@type': 'file', delivery: 'durable' }).config.delivery).toBe('durable')
  })

  it('none: a full buffer drops the new events (counted, logged) instead of failing the emit', async () => {
    const { out, ctx, logs } = await output({ delivery: 'none', total_limit_size: 300 })
    for (let i = 0; i < 10; i++) expect(out.emit(events(2, i * 2))).toBeUndefined()
    expect(ctx.metrics.dropped).toBeGreaterThan(0)
    expect(logs.some((l) => l.message === 'Buffer is full; dropped new events (delivery none).')).toBe(true)
  })

  it('none: a store whose appends fail loses the events with one error line; the emit still returns at once', async () => {
    const failing: BufferStore = {
      ...createMemoryStore('x'),
      create(metadata, id, createdAt): StoreChunk {
        return {
          id,
          metadata,
          createdAt,
          append: () => Promise.reject(new Error('ENOSPC')),
          enqueue() {},
          read: () => new Uint8Array(0),
          purge() {},
        }
      },
    }
    const { out, ctx, logs } = await output({ delivery: 'none' }, new RecordingWriter(), failing)
    expect(out.emit(events(3))).toBeUndefined()
    await waitUntil(() => ctx.metrics.dropped === 3, 'the loss to be counted')
    expect(logs.filter((l) => l.message.startsWith('The buffer store failed'))).toHaveLength(1)
  })

  it('buffered: the emit waits for the store and fails with it (no ack upstream)', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const slow: BufferStore = {
      ...createMemoryStore('x'),
      create(metadata, id, createdAt): StoreChunk {
        return { id, metadata, createdAt, append: () => gate, enqueue() {}, read: () => new Uint8Array(0), purge() {} }
      },
    }
    const { out } = await output({}, new RecordingWriter(), slow)
    const result = out.emit(events(1))
    expect(result).toBeInstanceOf(Promise)
    let settled = false
    void (result as Promise<void>).then(() => {
      settled = true
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(false)
    release()
    await result
  })
})

describe('overflow_action block and emits that must not wait', () => {
  it('a normal emit waits for space; one inside withoutBlocking gets BufferOverflowError at once', async () => {
    const writer = new RecordingWriter()
    let release!: () => void
    writer.gate = new Promise((r) => {
      release = r
    })
    const { out } = await output(
      { overflow_action: 'block', total_limit_size: 100, flush_mode: 'immediate', flush_interval: undefined },
      writer,
    )
    out.emit(events(2))
    await waitUntil(() => writer.calls === 1, 'the first write')
    const waiting = out.emit(events(2, 2))
    expect(waiting).toBeInstanceOf(Promise)
    expect(() => withoutBlocking(() => out.emit(events(1, 4)))).toThrow(BufferOverflowError)
    release()
    await waiting
    await out.flushAll()
    expect(writer.events).toBe(4)
  })
})

describe('ack rollbacks', () => {
  it('a RollbackError writes the chunk again at once, without a retry step', async () => {
    const writer = new RecordingWriter()
    writer.failures = (_c, n) => (n <= 2 ? new RollbackError('no ack from a within ack_response_timeout') : null)
    const { out, ctx, logs } = await output({ flush_mode: 'immediate', flush_interval: undefined, retry_wait: 3600 }, writer)
    out.emit(events(3))
    await waitUntil(() => writer.chunks.length === 1, 'the chunk written on the third try', 2_000)
    expect(writer.calls).toBe(3)
    expect(ctx.metrics.rollbacks).toBe(2)
    expect(ctx.metrics.retries).toBe(0)
    expect(out.status().retry).toBeUndefined()
    expect(logs.filter((l) => l.message.startsWith('Rolled back a chunk'))).toHaveLength(2)
  })

  it(`after ${MAX_FREE_ROLLBACKS} rollbacks in a row the next one counts as a retry step`, async () => {
    const writer = new RecordingWriter()
    writer.failures = () => new RollbackError('wrong ack')
    const { out, ctx } = await output({ flush_mode: 'immediate', flush_interval: undefined, retry_wait: 3600 }, writer)
    out.emit(events(1))
    await waitUntil(() => writer.calls === MAX_FREE_ROLLBACKS + 1, 'the free rollbacks')
    await waitUntil(() => out.status().retry !== undefined, 'the retry state')
    expect(ctx.metrics.errors).toBe(1)
  })
})

describe('the write context', () => {
  it("aborts the writer's signal when delayed_commit_timeout gives up on the write", async () => {
    const contexts: WriteContext[] = []
    const writer: ChunkWriter = {
      write: (_chunk: Chunk, context?: WriteContext) => {
        contexts.push(context!)
        return new Promise<void>((_resolve, reject) => context!.signal.addEventListener('abort', () => reject(context!.signal.reason)))
      },
    }
    const { out, logs } = await output(
      { flush_mode: 'immediate', flush_interval: undefined, delayed_commit_timeout: 0.1, retry_wait: 3600 },
      writer,
    )
    out.emit(events(1))
    await waitUntil(() => contexts.length === 1 && contexts[0].signal.aborted, 'the abort')
    expect(String(contexts[0].signal.reason)).toMatch(/delayed_commit_timeout/)
    await waitUntil(() => logs.some((l) => l.message === 'Failed to flush the buffer.'), 'the retry line')
  })
})
