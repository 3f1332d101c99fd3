/**
 * @module createBufferedOutput: Fluentd's buffered Output on a ChunkWriter (§5). emit() splits
 * the stream by chunk metadata and appends it to the stage; `total_limit_size` is checked before
 * each write (throw_exception / block / drop_oldest_chunk; `block` refused inside withoutBlocking;
 * `<buffer> delivery none` drops instead of failing and never returns the store's promise);
 * chunks are enqueued by size, by
 * flush_mode (interval, lazy timekeys, immediate) and at shutdown; one interval timer per output
 * (flush_thread_interval) drives enqueueing and flushing; the Flusher writes, retries, and sends
 * what cannot be delivered to the secondary or the backup. The clock is ctx.now().
 */

import { concat, ownedStream, type EventStream } from '../event-stream.ts'
import type { OutputPlugin, PluginContext, PluginServices } from '../plugin.ts'
import { Buffer } from './buffer.ts'
import type { BufferConfig } from './buffer-schema.ts'
import { chunkIdHex, type Chunk, type ChunkWriter } from './chunk.ts'
import { Chunker } from './chunking.ts'
import { blockingRefused } from './backpressure.ts'
import { BufferOverflowError, BufferShutdownError, rateLimited } from './errors.ts'
import { Flusher, type SecondaryTarget } from './flusher.ts'
import { createMemoryStore } from './memory-store.ts'
import type { BufferStore } from './store.ts'
import { bufferZone, timekeyOf } from './time-format.ts'

export interface BufferedOutputOptions {
  buffer: BufferConfig
  writer: ChunkWriter
  /** The `<secondary>` output (see createSecondary); a buffered one is handed chunks directly. */
  secondary?: OutputPlugin | null
  /** Overrides the store chosen from `buffer.type` (tests, plugins with their own store). */
  store?: BufferStore
  /** Services to use when the context has none (a Node plugin passes the Node ones). */
  services?: PluginServices
  /** Where a store keeps chunks when `<buffer> path` is not written (out_file: beside its path). */
  defaultPath?: string | null
  /** Randomness of retry waits (tests). */
  random?: () => number
  /**
   * Split chunks by tag even without a `tag` chunk key, so `chunk.tag` is each event's tag (for
   * outputs that print tags: stdout, out_file's default format). Fluentd formats at emit instead.
   */
  keepTag?: boolean
}

/** A buffered output: an OutputPlugin plus what tools, tests and primaries use. */
export interface BufferedOutput extends OutputPlugin {
  /** Enqueues every staged chunk and writes the whole queue now (ignoring retry waits); rejects on the first failed write. */
  flushAll(): Promise<void>
  /** Writes one chunk straight to the writer (this output acting as another one's secondary). */
  writeChunk(chunk: Chunk): Promise<void>
  status(): Record<string, unknown>
  readonly config: BufferConfig
}

/** Queue backpressure paces emits only while the destination confirmed a write this recently. */
export const PACE_PROGRESS_MS = 1_000

interface Blocked {
  stream: EventStream
  resolve: (value: Promise<void> | void) => void
  reject: (error: unknown) => void
}

/** The store for `buffer.type`: memory in the engine, others from the runtime's services. */
function storeFor(ctx: PluginContext, config: BufferConfig, options: BufferedOutputOptions): BufferStore {
  const services = ctx.services ?? options.services
  if (config.type === 'memory') {
    // Free blocks kept for reuse: the chunks one flush round writes, plus the staged one.
    const poolBytes = Math.min(config.totalLimitSize, (config.flushThreadCount + 1) * config.chunkLimitSize)
    return createMemoryStore(ctx.id, services?.backupChunk, { chunkLimitSize: config.chunkLimitSize, poolBytes })
  }
  const factory = services?.bufferStore
  if (factory === undefined) throw new Error(`<buffer> @type ${config.type} is not available on this runtime (only memory is)`)
  return factory(config.type, {
    core: ctx.core,
    log: ctx.log,
    pluginId: ctx.id,
    path: config.path,
    defaultPath: options.defaultPath ?? null,
    now: () => ctx.now(),
    durable: config.delivery === 'durable',
    worker: ctx.worker,
  })
}

/** Something that takes chunks for a primary: a buffered output's writeChunk, else its emit. */
export function secondaryTarget(output: OutputPlugin): SecondaryTarget {
  const buffered = output as Partial<BufferedOutput>
  if (typeof buffered.writeChunk === 'function') return { write: (chunk) => buffered.writeChunk!(chunk) }
  return {
    write: async (chunk) => {
      await output.emit({ tag: chunk.tag, entries: chunk.entries, count: chunk.count })
    },
  }
}

/**
 * @example
 * const output = createBufferedOutput(ctx, { buffer: resolveBufferConfig(config.buffer).config, writer })
 */
export function createBufferedOutput(ctx: PluginContext, options: BufferedOutputOptions): BufferedOutput {
  const config = options.buffer
  const store = options.store ?? storeFor(ctx, config, options)
  const zone = bufferZone(config.timekeyUseUtc, config.timekeyZone)
  const chunker = new Chunker(ctx.core, config.chunkKeys, config.timekey, zone, options.keepTag)
  const buffer = new Buffer(ctx.core, store, config, () => ctx.now(), ctx.log)
  const secondary = options.secondary ? secondaryTarget(options.secondary) : null
  const flusher = new Flusher(ctx, config, buffer, store, options.writer, secondary, options.random)
  const m = ctx.metrics
  const blocked: Blocked[] = []
  const overflowLog = rateLimited()
  let timer: ReturnType<typeof setInterval> | undefined
  let kickPending = false
  let stopping = false
  let closed = false

  const kick = () => {
    if (kickPending) return
    kickPending = true
    queueMicrotask(() => {
      kickPending = false
      flusher.flushReady()
    })
  }

  /**
   * Queue backpressure (memory buffer, overflow_action block): while the destination takes chunks
   * (a write was confirmed within PACE_PROGRESS_MS, no retry), emits wait once
   * queued_chunks_limit_size chunks wait behind the writes in flight, so the buffer holds what the
   * next flush round writes instead of filling to total_limit_size whenever the input is faster
   * than the destination. When the destination fails or stops confirming, the buffer fills to
   * total_limit_size as in Fluentd (the tick releases paced emits). Inputs that cannot wait
   * (withoutBlocking) are not paced.
   */
  const pacing = config.queueBackpressure && config.overflowAction === 'block' && !store.persistent
  const paced = () =>
    pacing &&
    buffer.queue.length >= config.queuedChunksLimitSize &&
    !stopping &&
    flusher.enabled &&
    flusher.retry === null &&
    ctx.now() - flusher.lastCommitAt < PACE_PROGRESS_MS

  const release = () => {
    while (blocked.length > 0 && buffer.storable() && !paced()) {
      const b = blocked.shift()!
      try {
        b.resolve(write(b.stream))
      } catch (error) {
        b.reject(error)
      }
    }
  }
  flusher.onSpace = () => {
    release()
    // Chunks that became due while the queue was at queued_chunks_limit_size go now, not a tick later.
    if (buffer.queue.length === 0 && !stopping) enqueueDue()
  }
  flusher.onSettled = release

  const oversize = (stream: EventStream, events: Uint8Array[]) => {
    const sizes = events.map((e) => e.length)
    const errorRouter = ctx.errorRouter
    m.errors += events.length
    if (errorRouter !== null) {
      ctx.log.warn('Events larger than chunk_limit_size go to @ERROR.', {
        tag: stream.tag,
        events: events.length,
        sizes,
        chunk_limit_size: config.chunkLimitSize,
      })
      try {
        const r = errorRouter.emit({ tag: stream.tag, entries: concat(events), count: events.length })
        if (r instanceof Promise)
          r.catch((error: unknown) => ctx.log.error('@ERROR did not take the oversized events.', { tag: stream.tag, error: String(error) }))
      } catch (error) {
        ctx.log.error('@ERROR did not take the oversized events.', { tag: stream.tag, error: String(error) })
      }
      return
    }
    m.dropped += events.length
    ctx.log.error('Dropped events larger than chunk_limit_size.', {
      tag: stream.tag,
      events: events.length,
      sizes,
      chunk_limit_size: config.chunkLimitSize,
    })
  }

  const write = (stream: EventStream): Promise<void> | void => {
    const outcome = buffer.write(chunker.split(stream), config.flushMode === 'immediate')
    if (outcome.oversize.length > 0) oversize(stream, outcome.oversize)
    if (buffer.queue.length > 0 && flusher.retry === null) kick()
    if (outcome.pending.length === 0) return
    return Promise.all(outcome.pending).then(() => undefined)
  }

  const overflow = (): BufferOverflowError => {
    m.errors++
    const total = buffer.stageBytes + buffer.queueBytes
    const n = overflowLog()
    if (n !== null)
      ctx.log.warn('Buffer is full.', {
        overflow_action: config.overflowAction,
        total_bytes: total,
        total_limit_size: config.totalLimitSize,
        count: n,
      })
    return new BufferOverflowError(`buffer space has too many data (${total} bytes of total_limit_size ${config.totalLimitSize})`)
  }

  const fireAndForget = config.delivery === 'none'
  /** The store copies appended bytes synchronously and keeps no reference (BufferStore.appendCopies). */
  const appendCopies = store.appendCopies === true
  const fitsOneChunk = (stream: EventStream): boolean =>
    stream.entries.length <= config.chunkLimitSize && (config.chunkLimitRecords === null || stream.count <= config.chunkLimitRecords)

  /** delivery none at the limit: the new events are dropped (the input has acked them already). */
  const dropNew = (stream: EventStream): void => {
    m.dropped += stream.count
    const n = overflowLog()
    if (n !== null) {
      ctx.log.warn('Buffer is full; dropped new events (delivery none).', {
        tag: stream.tag,
        events: stream.count,
        total_limit_size: config.totalLimitSize,
        count: n,
      })
    }
  }

  /** An emit that waits (for space, or for the queue): kept past the emit, so a stream still lent (see emit) is copied now. */
  const park = (stream: EventStream): Promise<void> => {
    const kept = ownedStream(stream)
    return new Promise<void>((resolve, reject) => blocked.push({ stream: kept, resolve, reject }))
  }

  const emit = (input: EventStream): Promise<void> | void => {
    if (closed) throw new Error(`output ${ctx.id} is shut down`)
    m.emits++
    m.eventsIn += input.count
    m.bytesIn += input.entries.length
    if (input.count === 0) return
    // Copy on retain, decided first: a lent stream is copied here, once, before any path keeps it
    // or calls the core (a split walks it) — unless the store copies inside append and the stream
    // fits one chunk. Only then does a lent stream go on, and a path that keeps it past this emit
    // must copy it itself (ownedStream: `park` does for emits that wait).
    const stream = input.lent === true && !(appendCopies && fitsOneChunk(input)) ? ownedStream(input) : input
    if (blocked.length > 0 || !buffer.storable()) {
      switch (config.overflowAction) {
        case 'throw_exception':
          if (fireAndForget) return dropNew(stream)
          throw overflow()
        case 'drop_oldest_chunk': {
          while (!buffer.storable()) {
            const dropped = buffer.dropOldest()
            if (dropped === undefined) {
              if (fireAndForget) return dropNew(stream)
              throw overflow()
            }
            m.dropped += dropped.count
            ctx.log.warn('Dropping the oldest chunk to make space after buffer overflow.', {
              chunk_id: chunkIdHex(dropped.stored.id),
              records: dropped.count,
            })
          }
          break
        }
        case 'block': {
          if (stopping) throw new BufferShutdownError(`output ${ctx.id} is stopping; the buffer is full`)
          if (blockingRefused()) {
            // Emits waiting for queue backpressure only: an input that cannot wait goes in.
            if (buffer.storable()) break
            // An input that cannot hold its peer (in_http) gets the overflow at once: 503 + Retry-After.
            throw overflow()
          }
          // Behind emits that wait for the queue (backpressure), not for space: no "full" line.
          if (buffer.storable()) return park(stream)
          const n = overflowLog()
          if (n !== null)
            ctx.log.warn('Buffer is full; emits wait for space (overflow_action block).', {
              total_limit_size: config.totalLimitSize,
              count: n,
            })
          return park(stream)
        }
      }
    }
    if (paced() && !blockingRefused()) return park(stream)
    const result = write(stream)
    if (fireAndForget && result instanceof Promise) {
      // Accepted already: a failed store write loses these events; say so once per failure.
      result.catch((error: unknown) => {
        m.dropped += stream.count
        ctx.log.error('The buffer store failed; events accepted with delivery none are lost.', {
          tag: stream.tag,
          events: stream.count,
          error: String(error),
        })
      })
      return
    }
    return result
  }

  /** Enqueues the staged chunks whose time has come (flush_interval, or timekey + timekey_wait). */
  const enqueueDue = () => {
    const now = ctx.now()
    const limit = config.queuedChunksLimitSize
    if (config.flushMode === 'interval') {
      buffer.enqueueWhere((c) => c.createdAt + config.flushInterval * 1000 <= now, false, limit)
    }
    if (config.chunkKeys.time && config.timekey !== null) {
      const nowSec = Math.floor(now / 1000)
      const current = timekeyOf(nowSec, config.timekey, zone)
      const wait = config.timekeyWait
      buffer.enqueueWhere(
        (c) => c.metadata.timekey !== null && c.metadata.timekey < current && c.metadata.timekey + config.timekey! + wait <= nowSec,
        false,
        limit,
      )
    }
  }

  const tick = () => {
    enqueueDue()
    release()
    flusher.flushReady()
  }

  /** Writes the queue out now: stops at the first failed write. */
  const drain = async (): Promise<void> => {
    for (;;) {
      await flusher.idle()
      const chunk = buffer.dequeue()
      if (chunk === undefined) {
        if (flusher.inFlight === 0) return
        continue
      }
      const result = await flusher.start(chunk)
      if (!result.ok) throw result.error
    }
  }

  const rejectBlocked = () => {
    for (const b of blocked.splice(0))
      b.reject(new BufferShutdownError(`output ${ctx.id} shut down while the emit waited for buffer space`))
  }

  return {
    config,
    emit,
    // Lent streams (in_forward's input bytes) are copied where they are kept, see emit. Only for a
    // chunker that takes the stream's bytes as they are: time and record keys walk the stream in
    // the core, so those outputs get owned streams (with the framer's entry index) instead.
    borrows: chunker.simple,
    async start() {
      buffer.resume(await store.resume(), (metadata) => chunker.intern(metadata))
      flusher.enabled = true
      timer = setInterval(tick, config.flushThreadInterval * 1000)
      ;(timer as { unref?: () => void }).unref?.()
      if (buffer.queue.length > 0) kick()
    },
    stop() {
      stopping = true
      rejectBlocked()
    },
    async shutdown() {
      if (closed) return
      stopping = true
      rejectBlocked()
      clearInterval(timer)
      if (config.flushAtShutdown) {
        buffer.enqueueWhere(() => true, true, 0)
        flusher.enabled = true
        try {
          await drain()
        } catch (error) {
          ctx.log.warn('Flush at shutdown failed; the rest of the buffer is not flushed.', { error: String(error) })
        }
      }
      flusher.close()
      await flusher.idle()
      closed = true
      if (!store.persistent) {
        // A memory buffer loses what is left: keep it in the backup, one line per chunk.
        buffer.enqueueWhere(() => true, true, 0)
        let chunk
        while ((chunk = buffer.dequeue()) !== undefined) await flusher.backup(chunk, new Error('not flushed at shutdown'))
      }
      await store.close()
    },
    async flushAll() {
      buffer.enqueueWhere(() => true, true, 0)
      await drain()
    },
    writeChunk: (chunk) => Promise.resolve().then(() => options.writer.write(chunk)),
    status() {
      const retry = flusher.retry
      const total = buffer.stageBytes + buffer.queueBytes
      return {
        buffer_queue_length: buffer.queue.length,
        buffer_queue_byte_size: buffer.queueBytes,
        buffer_stage_length: buffer.stage.size,
        buffer_stage_byte_size: buffer.stageBytes,
        buffer_total_queued_size: total,
        buffer_available_buffer_space_ratios: Math.round((1 - total / config.totalLimitSize) * 1000) / 10,
        buffer_newest_timekey: maxTimekey(buffer),
        retry_count: m.retries,
        emit_records: m.eventsIn,
        emit_count: m.emits,
        write_count: m.writes,
        rollback_count: m.rollbacks,
        ...(retry
          ? { retry: { start: new Date(retry.start).toISOString(), steps: retry.steps, next_time: new Date(retry.nextTime).toISOString() } }
          : {}),
      }
    },
  }
}

function maxTimekey(buffer: Buffer): number | null {
  let max: number | null = null
  for (const c of buffer.stage.values())
    if (c.metadata.timekey !== null && (max === null || c.metadata.timekey > max)) max = c.metadata.timekey
  return max
}
