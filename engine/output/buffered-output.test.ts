/**
 * @module The buffered output state machine (§5): stage → queue → flush by size, by count, by
 * interval, immediate, lazy timekeys; chunk keys; oversized events; total_limit_size with each
 * overflow_action; retries, secondary and backups; shutdown.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadCore } from '../../wasm/load-node.ts'
import type { Core } from '../../wasm/core.ts'
import { decodeStream, streamFromEvents, type EventStream } from '../event-stream.ts'
import { EventTime } from '../event-time.ts'
import type { OutputPlugin } from '../plugin.ts'
import { resolveBufferConfig } from './buffer-schema.ts'
import { createBufferedOutput, PACE_PROGRESS_MS, type BufferedOutput } from './buffered-output.ts'
import type { Chunk } from './chunk.ts'
import { withoutBlocking } from './backpressure.ts'
import { createMemoryStore } from './memory-store.ts'
import type { BufferStore } from './store.ts'
import { BufferOverflowError, BufferShutdownError, UnrecoverableError } from './errors.ts'
import { RecordingWriter, testContext, waitUntil } from './testing.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const open: BufferedOutput[] = []
afterEach(async () => {
  for (const o of open.splice(0)) await o.shutdown?.()
})

/** `n` events of about `size` bytes each, numbered from `from`. */
function events(tag: string, n: number, { from = 0, size = 50, sec = 1_700_000_000 } = {}): EventStream {
  return streamFromEvents(
    tag,
    Array.from({ length: n }, (_, i) => ({
      time: new EventTime(sec, 0),
      record: { i: from + i, pad: 'x'.repeat(Math.max(0, size - 24)) },
    })),
  )
}

function numbers(chunks: readonly Chunk[]): number[] {
  return chunks.flatMap((c) => decodeStream(core, { tag: c.tag, entries: c.entries, count: c.count }).map((e) => e.record.i as number))
}

async function output(
  buffer: Record<string, unknown>,
  extra: { secondary?: OutputPlugin; errorRouter?: OutputPlugin; backups?: Chunk[]; store?: BufferStore } = {},
) {
  const t = testContext(core, {
    errorRouter: extra.errorRouter ?? null,
    services: extra.backups
      ? {
          backupChunk: async (id, chunk) => {
            extra.backups!.push(chunk)
            return `/backup/${id}/x.log`
          },
        }
      : undefined,
  })
  const writer = new RecordingWriter()
  const interval =
    buffer.flush_mode === undefined && !(buffer.chunk_keys as string[] | undefined)?.includes('time') ? { flush_interval: 3600 } : {}
  const config = resolveBufferConfig({ flush_thread_interval: 0.01, delayed_commit_timeout: 2, ...interval, ...buffer }).config
  const out = createBufferedOutput(t.ctx, {
    buffer: config,
    writer,
    secondary: extra.secondary ?? null,
    random: () => 0.5,
    store: extra.store,
  })
  open.push(out)
  await out.start!()
  return { out, writer, ...t }
}

describe('buffered output: staging and flushing', () => {
  it('enqueues a chunk when it reaches chunk_full_threshold of chunk_limit_size', async () => {
    const { out, writer } = await output({ chunk_limit_size: 1000 })
    for (let i = 0; i < 50; i++) out.emit(events('a', 1, { from: i }))
    await waitUntil(() => writer.chunks.length >= 2, 'two full chunks')
    for (const c of writer.chunks) expect(c.entries.length).toBeGreaterThanOrEqual(950)
    for (const c of writer.chunks) expect(c.entries.length).toBeLessThanOrEqual(1000)
    expect(out.status().buffer_stage_length).toBe(1)
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('splits one large stream across chunks and by chunk_limit_records', async () => {
    const { out, writer } = await output({ chunk_limit_records: 5 })
    out.emit(events('a', 23))
    await out.flushAll()
    expect(writer.chunks.map((c) => c.count)).toEqual([5, 5, 5, 5, 3])
    expect(numbers(writer.chunks)).toEqual(Array.from({ length: 23 }, (_, i) => i))
  })

  it('flushes by flush_interval after the chunk was created', async () => {
    const { out, writer } = await output({ flush_interval: 0.05 })
    out.emit(events('a', 3))
    expect(writer.chunks).toHaveLength(0)
    await waitUntil(() => writer.chunks.length === 1, 'the interval flush')
    expect(writer.chunks[0].count).toBe(3)
  })

  it('writes up to flush_thread_count chunks at once', async () => {
    const { out, writer } = await output({ chunk_limit_records: 1, flush_thread_count: 2 })
    let release!: () => void
    writer.gate = new Promise((r) => {
      release = r
    })
    out.emit(events('a', 4))
    await waitUntil(() => writer.calls === 2, 'two writes in flight')
    expect(out.status().buffer_queue_length).toBe(2)
    release()
    await out.flushAll()
    expect(numbers(writer.chunks).sort()).toEqual([0, 1, 2, 3])
  })

  it('flush_mode immediate writes every emit as its own chunk', async () => {
    const { out, writer } = await output({ flush_mode: 'immediate' })
    out.emit(events('a', 2))
    out.emit(events('a', 1, { from: 2 }))
    await waitUntil(() => writer.chunks.length === 2, 'two chunks')
    expect(writer.chunks.map((c) => c.count)).toEqual([2, 1])
  })

  it('keeps the stream bytes as they are with tag chunk keys, one chunk per tag, copied before emit returns', async () => {
    const { out, writer } = await output({ chunk_keys: ['tag'] })
    const a = events('a', 2)
    const original = a.entries.slice()
    out.emit(a)
    // The emitter may reuse its bytes once emit returned (in_forward lends its read buffer).
    a.entries.fill(0)
    out.emit(events('b', 1, { from: 5 }))
    await out.flushAll()
    const byTag = Object.fromEntries(writer.chunks.map((c) => [c.tag, c]))
    expect(byTag.a.entries).toEqual(original)
    expect(numbers([byTag.a])).toEqual([0, 1])
    expect(numbers([byTag.b])).toEqual([5])
  })

  it('slices by timekey with the time chunk key, and flushes lazily after timekey_wait', async () => {
    const { out, writer, setNow } = await output({ chunk_keys: ['time'], timekey: 60, timekey_wait: 10, timekey_use_utc: true })
    const t0 = 1_700_000_090 // 10 s before a minute boundary
    setNow(t0 * 1000)
    out.emit(
      streamFromEvents('a', [
        { time: new EventTime(t0, 0), record: { i: 0 } },
        { time: new EventTime(t0 + 30, 0), record: { i: 1 } },
        { time: new EventTime(t0 + 1, 0), record: { i: 2 } },
      ]),
    )
    setNow((t0 - (t0 % 60) + 60 + 10) * 1000) // first slice + timekey + wait
    await waitUntil(() => writer.chunks.length === 1, 'the first slice')
    expect(writer.chunks[0].timekey).toBe(t0 - (t0 % 60))
    expect(numbers(writer.chunks)).toEqual([0, 2])
    setNow(null)
    await out.flushAll()
    expect(writer.chunks[1].timekey).toBe(t0 - (t0 % 60) + 60)
  })

  it('groups by record keys (chunk variables)', async () => {
    const { out, writer } = await output({ chunk_keys: ['host', '$.k8s.ns'] })
    out.emit(
      streamFromEvents('a', [
        { time: new EventTime(1, 0), record: { i: 0, host: 'h1', k8s: { ns: 'x' } } },
        { time: new EventTime(1, 0), record: { i: 1, host: 'h2' } },
        { time: new EventTime(1, 0), record: { i: 2, host: 'h1', k8s: { ns: 'x' } } },
      ]),
    )
    await out.flushAll()
    const vars = writer.chunks.map((c) => c.variables)
    expect(vars).toEqual([
      { host: 'h1', '$.k8s.ns': 'x' },
      { host: 'h2', '$.k8s.ns': '' },
    ])
    expect(numbers(writer.chunks)).toEqual([0, 2, 1])
  })

  it('rejects only the events larger than chunk_limit_size (logged and counted), or sends them to @ERROR', async () => {
    const big = events('a', 1, { from: 9, size: 400 })
    const stream = streamFromEvents('a', [
      ...decodeStream(core, events('a', 2)),
      ...decodeStream(core, big),
      ...decodeStream(core, events('a', 1, { from: 3 })),
    ])
    const { out, writer, ctx, logs } = await output({ chunk_limit_size: 200 })
    expect(out.emit(stream)).toBeUndefined()
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual([0, 1, 3])
    expect(ctx.metrics.dropped).toBe(1)
    expect(logs.some((l) => l.message === 'Dropped events larger than chunk_limit_size.')).toBe(true)

    const caught: EventStream[] = []
    const withError = await output(
      { chunk_limit_size: 200 },
      {
        errorRouter: {
          emit: (s) => {
            caught.push(s)
          },
        },
      },
    )
    withError.out.emit(stream)
    expect(caught.map((s) => decodeStream(core, s).map((e) => e.record.i))).toEqual([[9]])
  })
})

describe('buffered output: total_limit_size', () => {
  it('throw_exception throws BufferOverflowError once stage + queue reach total_limit_size', async () => {
    const { out, writer, ctx } = await output({ chunk_limit_size: 200, total_limit_size: 400 })
    let release!: () => void
    writer.gate = new Promise((r) => {
      release = r
    })
    let accepted = 0
    while ((out.status().buffer_total_queued_size as number) < 400) out.emit(events('a', 1, { from: accepted++ }))
    expect(() => out.emit(events('a', 1, { from: accepted }))).toThrow(BufferOverflowError)
    expect(ctx.metrics.errors).toBe(1)
    release()
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual(Array.from({ length: accepted }, (_, i) => i))
    expect(() => out.emit(events('a', 1, { from: accepted }))).not.toThrow()
  })

  it('block returns a promise that resolves as soon as a flush frees space, and rejects at shutdown', async () => {
    const { out, writer } = await output({ chunk_limit_size: 200, total_limit_size: 400, overflow_action: 'block' })
    let release!: () => void
    writer.gate = new Promise((r) => {
      release = r
    })
    let accepted = 0
    let waiting: Promise<void> | void
    while ((waiting = out.emit(events('a', 1, { from: accepted }))) === undefined) accepted++
    expect(waiting).toBeInstanceOf(Promise)
    let done = false
    void (waiting as Promise<void>).then(() => {
      done = true
    })
    await new Promise((r) => setTimeout(r, 30))
    expect(done).toBe(false)
    release()
    await waiting
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual(Array.from({ length: accepted + 1 }, (_, i) => i))

    const stuck = await output({ chunk_limit_size: 200, total_limit_size: 100, overflow_action: 'block', delayed_commit_timeout: 0.1 })
    stuck.writer.gate = new Promise(() => {})
    stuck.out.emit(events('a', 3))
    const blocked = stuck.out.emit(events('a', 1)) as Promise<void>
    stuck.out.stop!()
    await expect(blocked).rejects.toBeInstanceOf(BufferShutdownError)
  })

  it('drop_oldest_chunk drops exactly the oldest queued chunk', async () => {
    const { out, writer, ctx, logs } = await output({ chunk_limit_records: 2, total_limit_size: 300, overflow_action: 'drop_oldest_chunk' })
    let release!: () => void
    writer.gate = new Promise((r) => {
      release = r
    })
    for (let i = 0; i < 8; i += 2) out.emit(events('a', 2, { from: i })) // chunk [0,1] in flight, [2,3] [4,5] [6,7] queued
    await waitUntil(() => writer.calls === 1, 'the first write')
    out.emit(events('a', 2, { from: 8 }))
    expect(ctx.metrics.dropped).toBe(2)
    expect(logs.filter((l) => l.message.startsWith('Dropping the oldest chunk'))).toHaveLength(1)
    release()
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual([0, 1, 4, 5, 6, 7, 8, 9])
  })
})

describe('buffered output: queue backpressure (memory buffer, overflow_action block)', () => {
  const paced = { chunk_limit_records: 1, flush_mode: 'immediate', overflow_action: 'block', queued_chunks_limit_size: 2 }

  /** Emits one event at a time (numbered from `from`) until an emit waits; returns its number and promise. */
  function fillUntilWait(out: BufferedOutput, from: number): { next: number; waiting: Promise<void> } {
    for (let i = from; i < from + 100; i++) {
      const r = out.emit(events('a', 1, { from: i }))
      if (r instanceof Promise) return { next: i, waiting: r }
    }
    throw new Error('no emit waited')
  }

  /** A gate for the writer, opened by the returned function. */
  function gate(writer: RecordingWriter): () => void {
    let open!: () => void
    writer.gate = new Promise((r) => {
      open = r
    })
    return open
  }

  /** An output whose destination confirmed one write (event 0) at the test clock's `now`. */
  async function confirmed(buffer: Record<string, unknown>, store?: BufferStore, now = 1_000_000) {
    const o = await output({ ...paced, ...buffer }, { store })
    o.setNow(now)
    o.out.emit(events('a', 1, { from: 0 }))
    await waitUntil(() => o.writer.chunks.length === 1, 'the first write confirmed')
    return o
  }

  it('emits wait once queued_chunks_limit_size chunks wait behind the writes in flight, far below total_limit_size', async () => {
    const { out, writer, logs } = await confirmed({})
    const release = gate(writer)
    out.emit(events('a', 1, { from: 1 }))
    await waitUntil(() => writer.calls === 2, 'the second write in flight')
    const { next, waiting } = fillUntilWait(out, 2)
    expect(next).toBe(4) // 1 in flight, 2 and 3 queued
    expect(out.status().buffer_queue_length).toBe(2)
    expect(out.status().buffer_available_buffer_space_ratios).toBeGreaterThan(99)
    // Later emits wait behind it, in order.
    const later = out.emit(events('a', 1, { from: 5 }))
    expect(later).toBeInstanceOf(Promise)
    let done = false
    void waiting.then(() => {
      done = true
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(done).toBe(false)
    expect(logs.some((l) => l.message.startsWith('Buffer is full'))).toBe(false)
    release()
    await waiting
    await later
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('stops pacing when the destination has confirmed nothing for PACE_PROGRESS_MS: the buffer takes the emits', async () => {
    const { out, writer, setNow } = await confirmed({})
    const release = gate(writer)
    out.emit(events('a', 1, { from: 1 }))
    await waitUntil(() => writer.calls === 2, 'the second write in flight')
    const { next, waiting } = fillUntilWait(out, 2)
    setNow(1_000_000 + PACE_PROGRESS_MS)
    await waiting // released by the flush tick while the write still hangs
    expect(writer.chunks).toHaveLength(1)
    expect(out.emit(events('a', 1, { from: next + 1 }))).toBeUndefined()
    release()
    await out.flushAll()
    expect(numbers(writer.chunks)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('does not pace a persistent (file) buffer: its queue is on disk', async () => {
    const persistent: BufferStore = { ...createMemoryStore('x'), persistent: true }
    const { out, writer } = await confirmed({ total_limit_size: 10_000 }, persistent)
    const open = gate(writer)
    let n = 1
    let r: Promise<void> | void
    while ((r = out.emit(events('a', 1, { from: n }))) === undefined) n++
    expect(out.status().buffer_total_queued_size as number).toBeGreaterThanOrEqual(10_000)
    open()
    await r
    await out.flushAll()
    expect(writer.events).toBe(n + 1)
  })

  it('does not pace a destination that never confirmed a write (the buffer fills to total_limit_size, as in Fluentd)', async () => {
    const { out, writer } = await output({ ...paced, total_limit_size: 10_000 })
    const release = gate(writer)
    let n = 0
    let r: Promise<void> | void
    while ((r = out.emit(events('a', 1, { from: n }))) === undefined) n++
    expect(out.status().buffer_total_queued_size as number).toBeGreaterThanOrEqual(10_000)
    release()
    await r
    await out.flushAll()
    expect(writer.events).toBe(n + 1)
  })

  it('does not pace while the destination fails: the buffer takes emits up to total_limit_size', async () => {
    const { out, writer } = await output({ ...paced, retry_wait: 30, total_limit_size: 10_000 })
    writer.failures = () => new Error('down')
    out.emit(events('a', 1, { from: 0 }))
    await waitUntil(() => out.status().retry !== undefined, 'the retry state')
    let accepted = 1
    let r: Promise<void> | void
    while ((r = out.emit(events('a', 1, { from: accepted }))) === undefined) accepted++
    // Only the full buffer made it wait (it is rejected at shutdown, the destination never came back).
    expect(r).toBeInstanceOf(Promise)
    ;(r as Promise<void>).catch(() => undefined)
    expect(out.status().buffer_total_queued_size as number).toBeGreaterThanOrEqual(10_000)
    expect(accepted).toBeGreaterThan(20)
  })

  it('does not pace emits that must not wait (withoutBlocking), and queue_backpressure false turns it off', async () => {
    const { out, writer } = await confirmed({})
    const release = gate(writer)
    out.emit(events('a', 1, { from: 1 }))
    await waitUntil(() => writer.calls === 2, 'the second write in flight')
    const { next, waiting } = fillUntilWait(out, 2)
    expect(withoutBlocking(() => out.emit(events('a', 1, { from: next + 1 })))).toBeUndefined()
    release()
    await waiting
    await out.flushAll()
    expect(numbers(writer.chunks).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5])

    const fluentd = await confirmed({ queue_backpressure: false, total_limit_size: 10_000 })
    const open = gate(fluentd.writer)
    let n = 1
    let r: Promise<void> | void
    while ((r = fluentd.out.emit(events('a', 1, { from: n }))) === undefined) n++
    expect(fluentd.out.status().buffer_total_queued_size as number).toBeGreaterThanOrEqual(10_000)
    open()
    await r
    await fluentd.out.flushAll()
    expect(fluentd.writer.events).toBe(n + 1)
  })
})

describe('buffered output: retries, secondary and backup', () => {
  it('retries with backoff until the writer succeeds: every event delivered once', async () => {
    const { out, writer, ctx, logs } = await output({ flush_mode: 'immediate', retry_wait: 0.01, retry_randomize: false })
    writer.failures = (_c, n) => (n <= 3 ? new Error(`down ${n}`) : null)
    out.emit(events('a', 4))
    await waitUntil(() => writer.chunks.length === 1, 'the retried chunk', 5000)
    expect(numbers(writer.chunks)).toEqual([0, 1, 2, 3])
    expect(writer.calls).toBe(4)
    expect(ctx.metrics.retries).toBe(3)
    expect(ctx.metrics.rollbacks).toBe(3)
    expect(out.status().retry).toBeUndefined()
    expect(logs.filter((l) => l.message === 'Failed to flush the buffer.').map((l) => l.fields.retry_times)).toEqual([0, 1, 2])
  })

  it('sends chunks to <secondary> once the retry budget passes retry_secondary_threshold', async () => {
    const second = await output({})
    const { out, writer } = await output(
      { flush_mode: 'immediate', retry_wait: 0.02, retry_max_times: 3, retry_randomize: false },
      { secondary: second.out },
    )
    writer.failures = () => new Error('primary down')
    out.emit(events('a', 3))
    await waitUntil(() => second.writer.chunks.length === 1, 'the secondary write', 5000)
    expect(numbers(second.writer.chunks)).toEqual([0, 1, 2])
    expect(writer.chunks).toHaveLength(0)
  })

  it('moves every queued chunk to the backup when retries run out (one line each, nothing dropped)', async () => {
    const backups: Chunk[] = []
    const { out, writer, ctx, logs } = await output(
      { chunk_limit_records: 2, retry_wait: 0.01, retry_max_times: 2, retry_randomize: false },
      { backups },
    )
    writer.failures = () => new Error('down')
    out.emit(events('a', 5))
    await out.flushAll().catch(() => {})
    await waitUntil(() => backups.length === 3, 'three backups', 5000)
    expect(backups.flatMap((c) => numbers([c])).sort()).toEqual([0, 1, 2, 3, 4])
    expect(logs.filter((l) => l.message.startsWith('Undeliverable chunk moved to'))).toHaveLength(3)
    expect(logs.some((l) => l.message.startsWith('Hit limit for retries'))).toBe(true)
    expect(ctx.metrics.dropped).toBe(0)
    expect(out.status().buffer_total_queued_size).toBe(0)
  })

  it('sends a chunk with an unrecoverable error to the backup at once, and counts it when there is no backup', async () => {
    const backups: Chunk[] = []
    const withBackup = await output({ flush_mode: 'immediate' }, { backups })
    withBackup.writer.failures = () => new UnrecoverableError('bad path')
    withBackup.out.emit(events('a', 2))
    await waitUntil(() => backups.length === 1, 'the backup')
    expect(withBackup.writer.calls).toBe(1)

    const bare = await output({ flush_mode: 'immediate' })
    bare.writer.failures = () => new UnrecoverableError('bad path')
    bare.out.emit(events('a', 2))
    await waitUntil(() => bare.ctx.metrics.dropped === 2, 'the loss to be counted')
    expect(bare.logs.some((l) => /could not be kept: 2 events lost/.test(l.message))).toBe(true)
  })
})

describe('buffered output: shutdown and status', () => {
  it('flushes everything at shutdown (memory flush_at_shutdown) and refuses emits after', async () => {
    const { out, writer } = await output({})
    out.emit(events('a', 3))
    await out.shutdown!()
    expect(numbers(writer.chunks)).toEqual([0, 1, 2])
    expect(() => out.emit(events('a', 1))).toThrow(/shut down/)
  })

  it('keeps in the backup what a memory buffer could not flush at shutdown', async () => {
    const backups: Chunk[] = []
    const { out, writer } = await output({}, { backups })
    writer.failures = () => new Error('down')
    out.emit(events('a', 3))
    await out.shutdown!()
    expect(backups.map((c) => c.count)).toEqual([3])
  })

  it('reports monitor_agent fields', async () => {
    const { out } = await output({ chunk_limit_records: 2 })
    out.emit(events('a', 3))
    const s = out.status()
    expect(s).toMatchObject({ buffer_stage_length: 1, emit_records: 3, emit_count: 1, retry_count: 0 })
    expect(s.buffer_queue_length as number).toBeLessThanOrEqual(1)
  })
})
