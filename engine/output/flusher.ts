/**
 * @module The flushing half of a buffered output (Fluentd's try_flush and retry handling, §5.3):
 * up to `flush_thread_count` concurrent `writer.write(chunk)` calls; a chunk leaves the buffer
 * only when its write resolved; a failed write puts it back at the head of the queue and advances
 * the output's retry state. When the budget is spent, or for an UnrecoverableError, chunks go to
 * the `<secondary>`, else to the store's backup — one log line per chunk, never silently away
 * (unlike Fluentd's "dropping all chunks in the buffer queue", §8 item 7). A RollbackError (sent,
 * not confirmed) writes the chunk again at once without a retry step; a write that outlives
 * delayed_commit_timeout has its AbortSignal aborted before the chunk is taken back.
 */

import type { PluginContext } from '../plugin.ts'
import type { Buffer, BufferChunk } from './buffer.ts'
import type { BufferConfig } from './buffer-schema.ts'
import { chunkIdHex, chunkOfParts, plainChunk, type Chunk, type ChunkWriter } from './chunk.ts'
import { countEntries } from './entries.ts'
import { isRollback, isUnrecoverable, MAX_FREE_ROLLBACKS } from './errors.ts'
import { RetryState } from './retry-state.ts'
import type { BufferStore } from './store.ts'

/** Where chunks go when the primary cannot take them. */
export interface SecondaryTarget {
  write(chunk: Chunk): Promise<void>
}

export interface FlushResult {
  ok: boolean
  error?: unknown
}

const iso = (ms: number) => new Date(ms).toISOString()

export class Flusher {
  retry: RetryState | null = null
  inFlight = 0
  /** Off before start and after shutdown: no new writes begin. */
  enabled = false
  private idleWaiters: (() => void)[] = []
  /** Work that outlives a write (moving the queue out at the retry limit). */
  private readonly background = new Set<Promise<void>>()
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  /** Called when bytes left the buffer (blocked emits may go on). */
  onSpace: () => void = () => {}
  /** When a write was last confirmed (ctx.now() ms; -Infinity before the first). */
  lastCommitAt = Number.NEGATIVE_INFINITY
  /** Called when a write settled and the next ones were started (the queue got shorter, or a retry began). */
  onSettled: () => void = () => {}

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: BufferConfig,
    private readonly buffer: Buffer,
    private readonly store: BufferStore,
    private readonly writer: ChunkWriter,
    private readonly secondary: SecondaryTarget | null,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts writes while there are free slots and queued chunks (one probe at a time while retrying). */
  flushReady(): void {
    if (!this.enabled) return
    const slots = this.retry ? 1 : this.config.flushThreadCount
    while (this.inFlight < slots && this.buffer.queue.length > 0) {
      if (this.retry !== null && this.ctx.now() < this.retry.nextTime) return
      this.start(this.buffer.dequeue()!)
    }
  }

  /** Writes one dequeued chunk in the background. */
  start(chunk: BufferChunk): Promise<FlushResult> {
    this.inFlight++
    return this.flush(chunk).finally(() => {
      this.inFlight--
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w()
      this.flushReady()
      this.onSettled()
    })
  }

  /** Stops the retry timer (shutdown). */
  close(): void {
    this.enabled = false
    clearTimeout(this.retryTimer)
  }

  /** One timer per output: wakes the flusher when the retry wait is over. */
  private scheduleRetry(): void {
    clearTimeout(this.retryTimer)
    if (this.retry === null || !this.enabled) return
    const wait = Math.max(0, this.retry.nextTime - this.ctx.now())
    this.retryTimer = setTimeout(() => this.flushReady(), Math.min(wait, 2 ** 31 - 1))
    ;(this.retryTimer as { unref?: () => void }).unref?.()
  }

  /** Resolves when no write is in flight and no evacuation (retry limit) is running. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.background.size > 0) {
        await Promise.all([...this.background])
        continue
      }
      if (this.inFlight === 0) return
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
    }
  }

  /** What the writer gets: the store's own parts when it reads them (no copy), else the entries read. */
  private async materialize(chunk: BufferChunk, useSecondary: boolean): Promise<Chunk> {
    const stored = chunk.stored
    if (this.writer.readsParts === true && !useSecondary && stored.parts !== undefined) {
      return chunkOfParts(chunk.metadata, stored.id, stored.parts(), chunk.count, chunk.createdAt)
    }
    const entries = await stored.read()
    let count = chunk.count
    if (this.store.persistent) {
      // A file can rot after it was resumed with a trusted .meta: check it before it goes out.
      const counted = countEntries(this.ctx.core, entries)
      if (counted === null) throw new Error(`the stored chunk is not a valid entries stream (${entries.length} bytes)`)
      count = counted.count
    }
    return { ...chunk.metadata, id: chunk.stored.id, entries, count, createdAt: chunk.createdAt }
  }

  private async flush(chunk: BufferChunk): Promise<FlushResult> {
    const m = this.ctx.metrics
    // biome-ignore lint/complexity/useOptionalChain: the comparisons narrow to a boolean
    const useSecondary = this.secondary !== null && this.retry !== null && this.retry.secondary()
    let data: Chunk
    try {
      data = await this.materialize(chunk, useSecondary)
    } catch (error) {
      // Unreadable or broken: to the backup (one log line, from backup()).
      const reason = new Error(`cannot read the buffer chunk: ${error instanceof Error ? error.message : String(error)}`)
      await this.backup(chunk, reason)
      return { ok: false, error: reason }
    }
    m.writes++
    const controller = new AbortController()
    try {
      const context = { signal: controller.signal }
      await this.withTimeout(
        useSecondary ? this.secondary!.write(data) : Promise.resolve().then(() => this.writer.write(data, context)),
        controller,
      )
    } catch (error) {
      // The writer may still hold the parts (a socket write not cancelled yet): never reuse them.
      if (data.parts !== undefined) chunk.lent = true
      if (isUnrecoverable(error)) {
        await this.unrecoverable(chunk, data, error, useSecondary)
        return { ok: false, error }
      }
      this.buffer.takeback(chunk)
      m.rollbacks++
      const rollbacks = chunk.rollbacks ?? 0
      if (isRollback(error) && rollbacks < MAX_FREE_ROLLBACKS) {
        // Sent but not confirmed; the writer set that destination aside: again at once, no retry step.
        chunk.rollbacks = rollbacks + 1
        this.ctx.log.warn('Rolled back a chunk that was not confirmed; writing it again at once.', {
          chunk_id: chunkIdHex(chunk.stored.id),
          rollbacks: chunk.rollbacks,
          error: String(error),
        })
        return { ok: false, error }
      }
      chunk.rollbacks = 0
      this.failed(chunk, error, useSecondary)
      return { ok: false, error }
    }
    this.committed(chunk, useSecondary)
    return { ok: true }
  }

  private committed(chunk: BufferChunk, viaSecondary: boolean): void {
    // First, before any other callback can run: a restart must not send a delivered chunk again.
    try {
      chunk.stored.commit?.()
    } catch (error) {
      this.ctx.log.warn('Cannot mark a delivered chunk as committed; a restart before its purge sends it again.', {
        chunk_id: chunkIdHex(chunk.stored.id),
        error: String(error),
      })
    }
    const m = this.ctx.metrics
    m.eventsOut += chunk.count
    m.bytesOut += chunk.bytes
    this.lastCommitAt = this.ctx.now()
    this.buffer.remove(chunk, true)
    clearTimeout(this.retryTimer)
    if (this.retry !== null) {
      this.ctx.log.info(viaSecondary ? 'Flushed a chunk to the secondary output.' : 'Retry succeeded; the buffer flushes again.', {
        chunk_id: chunkIdHex(chunk.stored.id),
      })
    }
    this.retry = null
    this.onSpace()
  }

  /** Bounds a write by delayed_commit_timeout; on timeout the writer's signal is aborted (it must stop sending). */
  private withTimeout(write: Promise<void>, controller?: AbortController): Promise<void> {
    const seconds = this.config.delayedCommitTimeout
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`the write did not finish within delayed_commit_timeout (${seconds}s)`)
        controller?.abort(error)
        reject(error)
      }, seconds * 1000)
    })
    return Promise.race([write, timeout]).finally(() => clearTimeout(timer))
  }

  /** A retryable failure: advance the retry state; at the limit, move the queue out. */
  private failed(chunk: BufferChunk, error: unknown, usingSecondary: boolean): void {
    const m = this.ctx.metrics
    m.errors++
    const c = this.config
    if (this.retry === null) {
      this.retry = new RetryState(
        {
          type: c.retryType,
          wait: c.retryWait,
          timeout: c.retryTimeout,
          forever: c.retryForever,
          maxSteps: c.retryMaxTimes,
          backoffBase: c.retryExponentialBackoffBase,
          maxInterval: c.retryMaxInterval,
          randomize: c.retryRandomize,
          secondary: this.secondary !== null,
          secondaryThreshold: c.retrySecondaryThreshold,
        },
        this.ctx.now,
        this.random,
      )
    } else {
      this.retry.failed()
    }
    if (this.retry.limit()) {
      const evacuation: Promise<void> = this.limitReached(error)
        .catch((e: unknown) => this.ctx.log.error('Moving the queue out at the retry limit failed.', { error: String(e) }))
        .finally(() => this.background.delete(evacuation))
      this.background.add(evacuation)
      return
    }
    m.retries++
    this.ctx.log.warn(usingSecondary ? 'Failed to flush the buffer with the secondary output.' : 'Failed to flush the buffer.', {
      retry_times: this.retry.steps,
      next_retry_time: iso(this.retry.nextTime),
      chunk_id: chunkIdHex(chunk.stored.id),
      error: String(error),
    })
    this.scheduleRetry()
  }

  /** Retries are over: every queued chunk goes to the secondary (when it has not failed already) or the backup. */
  private async limitReached(error: unknown): Promise<void> {
    const retry = this.retry!
    this.ctx.log.error('Hit limit for retries; moving every queued chunk to the backup.', {
      retry_times: retry.steps,
      chunks: this.buffer.queue.length,
      records: this.buffer.queuedRecords(),
      error: String(error),
    })
    this.retry = null
    // Take the whole queue at once, so the flusher does not start on these chunks meanwhile.
    const chunks: BufferChunk[] = []
    let chunk: BufferChunk | undefined
    while ((chunk = this.buffer.dequeue()) !== undefined) chunks.push(chunk)
    for (const c of chunks) await this.backup(c, error)
  }

  private async unrecoverable(chunk: BufferChunk, data: Chunk, error: unknown, usingSecondary: boolean): Promise<void> {
    this.ctx.metrics.errors++
    if (this.secondary !== null && !usingSecondary) {
      try {
        await this.withTimeout(this.secondary.write(plainChunk(data)))
        this.ctx.log.warn('Got an unrecoverable error in the primary output; flushed the chunk to the secondary.', {
          chunk_id: chunkIdHex(chunk.stored.id),
          error: String(error),
        })
        this.committed(chunk, true)
        return
      } catch (secondaryError) {
        this.ctx.log.warn('The secondary output failed too.', { chunk_id: chunkIdHex(chunk.stored.id), error: String(secondaryError) })
      }
    }
    await this.backup(chunk, error)
  }

  /** Moves a chunk out of the buffer into the store's backup (one log line), or drops it when disable_chunk_backup. */
  async backup(chunk: BufferChunk, error: unknown): Promise<void> {
    const m = this.ctx.metrics
    const id = chunkIdHex(chunk.stored.id)
    const count = chunk.count
    this.buffer.remove(chunk, false)
    if (this.config.disableChunkBackup) {
      m.dropped += count
      this.ctx.log.warn(`disable_chunk_backup is true: chunk ${id} is thrown away.`, { chunk_id: id, records: count, error: String(error) })
      await chunk.stored.purge()
    } else {
      let where: string | null = null
      let backupError: unknown = null
      try {
        where = await this.store.backup(chunk.stored, count)
      } catch (e) {
        backupError = e
      }
      if (where !== null) {
        this.ctx.log.error(`Undeliverable chunk moved to ${where}.`, { chunk_id: id, records: count, path: where, error: String(error) })
      } else {
        m.dropped += count
        this.ctx.log.error(`Undeliverable chunk ${id} could not be kept: ${count} events lost.`, {
          chunk_id: id,
          records: count,
          error: String(error),
          ...(backupError ? { backup_error: String(backupError) } : { reason: 'no backup storage on this runtime' }),
        })
      }
    }
    this.onSpace()
  }
}
