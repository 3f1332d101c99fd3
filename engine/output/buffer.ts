/**
 * @module The buffer (Fluentd's Buffer, §5.1): the stage (one writable chunk per metadata), the
 * queue (FIFO of sealed chunks) and the chunks being written, with the byte accounting that
 * `total_limit_size` is checked against. A write appends each piece to its metadata's staged
 * chunk, enqueues chunks that are full (`chunk_full_threshold` of either limit), splits a piece
 * across chunks when it does not fit, and sets aside single events larger than
 * `chunk_limit_size`. Storage is the store's job; this class only orders and counts.
 */

import type { Core } from '../../wasm/core.ts'
import type { Logger } from '../log.ts'
import type { ChunkMetadata } from './chunk.ts'
import { newChunkId } from './chunk.ts'
import { entryViews, metadataKey, type Piece } from './chunking.ts'
import type { BufferStore, ResumedChunk, StoreChunk } from './store.ts'

export type ChunkState = 'staged' | 'queued' | 'dequeued' | 'gone'

/** A chunk as the buffer tracks it. */
export interface BufferChunk {
  readonly stored: StoreChunk
  readonly metadata: ChunkMetadata
  readonly key: string
  readonly createdAt: number
  bytes: number
  count: number
  state: ChunkState
  modifiedAt: number
  /** Consecutive rollbacks written again without a retry step (see RollbackError). */
  rollbacks?: number
  /** A write of the chunk's parts failed: the writer may still read them, so its memory is not reused. */
  lent?: boolean
}

export interface BufferLimits {
  chunkLimitSize: number
  chunkLimitRecords: number | null
  chunkFullThreshold: number
  totalLimitSize: number
}

/** What one write did. */
export interface WriteOutcome {
  /** Settle when every append is stored (file stores); empty when all were synchronous. */
  pending: Promise<void>[]
  /** Events larger than chunk_limit_size, not written. */
  oversize: Uint8Array[]
}

export class Buffer {
  readonly stage = new Map<string, BufferChunk>()
  readonly queue: BufferChunk[] = []
  readonly dequeued = new Set<BufferChunk>()
  stageBytes = 0
  /** Bytes of queued and dequeued chunks. */
  queueBytes = 0

  constructor(
    private readonly core: Core,
    private readonly store: BufferStore,
    private readonly limits: BufferLimits,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** Fluentd's `storable?`: the next write may go in (it may overshoot once). */
  storable(): boolean {
    return this.limits.totalLimitSize > this.stageBytes + this.queueBytes
  }

  /** Loads what the store kept from a previous run: staged chunks back to the stage, queued ones to the queue (oldest first). */
  resume(resumed: readonly ResumedChunk[], intern: (m: ChunkMetadata) => ChunkMetadata): void {
    const queued: BufferChunk[] = []
    for (const r of resumed) {
      const metadata = intern(r.chunk.metadata)
      const chunk: BufferChunk = {
        stored: r.chunk,
        metadata,
        key: metadataKey(metadata),
        createdAt: r.chunk.createdAt,
        bytes: r.bytes,
        count: r.count,
        state: r.state,
        modifiedAt: r.modifiedAt,
      }
      if (r.state === 'staged' && !this.stage.has(chunk.key) && !this.full(chunk)) {
        this.stage.set(chunk.key, chunk)
        this.stageBytes += chunk.bytes
      } else {
        if (r.state === 'staged') this.settle(r.chunk.enqueue(), 'enqueue a resumed chunk')
        chunk.state = 'queued'
        queued.push(chunk)
        this.queueBytes += chunk.bytes
      }
    }
    queued.sort((a, b) => a.modifiedAt - b.modifiedAt)
    this.queue.push(...queued)
  }

  private fits(chunk: BufferChunk | undefined, bytes: number, count: number): boolean {
    const b = (chunk?.bytes ?? 0) + bytes
    const c = (chunk?.count ?? 0) + count
    return b <= this.limits.chunkLimitSize && (this.limits.chunkLimitRecords === null || c <= this.limits.chunkLimitRecords)
  }

  /** Fluentd's chunk_size_full?. */
  full(chunk: BufferChunk): boolean {
    const { chunkLimitSize, chunkLimitRecords, chunkFullThreshold } = this.limits
    return (
      chunk.bytes >= chunkLimitSize * chunkFullThreshold ||
      (chunkLimitRecords !== null && chunk.count >= chunkLimitRecords * chunkFullThreshold)
    )
  }

  private create(metadata: ChunkMetadata, key: string): BufferChunk {
    const createdAt = this.now()
    const stored = this.store.create(metadata, newChunkId(createdAt), createdAt)
    const chunk: BufferChunk = { stored, metadata, key, createdAt, bytes: 0, count: 0, state: 'staged', modifiedAt: createdAt }
    this.stage.set(key, chunk)
    return chunk
  }

  /** Appends pieces; with `enqueue` (flush_mode immediate) every touched chunk is enqueued after. */
  write(pieces: readonly Piece[], enqueue: boolean): WriteOutcome {
    const outcome: WriteOutcome = { pending: [], oversize: [] }
    for (const piece of pieces) this.writePiece(piece, enqueue, outcome)
    return outcome
  }

  private writePiece(piece: Piece, enqueue: boolean, outcome: WriteOutcome): void {
    let chunk = this.stage.get(piece.key)
    if (!this.fits(chunk, piece.bytes, piece.count)) {
      if (chunk !== undefined && chunk.count > 0 && this.fits(undefined, piece.bytes, piece.count)) {
        this.enqueue(chunk)
        chunk = undefined
      } else {
        this.writeSplit(piece, enqueue, outcome)
        return
      }
    }
    chunk ??= this.create(piece.metadata, piece.key)
    this.append(chunk, piece.parts, piece.bytes, piece.count, outcome)
    if (enqueue || this.full(chunk)) this.enqueue(chunk)
  }

  /** A piece that does not fit one chunk: fill chunks event by event (Fluentd's write_step_by_step). */
  private writeSplit(piece: Piece, enqueue: boolean, outcome: WriteOutcome): void {
    let chunk = this.stage.get(piece.key)
    let run: Uint8Array[] = []
    let runBytes = 0
    const flushRun = () => {
      if (run.length === 0) return
      chunk ??= this.create(piece.metadata, piece.key)
      this.append(chunk, run, runBytes, run.length, outcome)
      run = []
      runBytes = 0
    }
    for (const entry of entryViews(this.core, piece.parts)) {
      if (!this.fits(undefined, entry.length, 1)) {
        outcome.oversize.push(entry)
        continue
      }
      if (!this.fits(chunk, runBytes + entry.length, run.length + 1)) {
        flushRun()
        if (chunk !== undefined) this.enqueue(chunk)
        chunk = undefined
      }
      run.push(entry)
      runBytes += entry.length
    }
    flushRun()
    if (chunk !== undefined && (enqueue || this.full(chunk))) this.enqueue(chunk)
  }

  private append(chunk: BufferChunk, parts: readonly Uint8Array[], bytes: number, count: number, outcome: WriteOutcome): void {
    chunk.bytes += bytes
    chunk.count += count
    chunk.modifiedAt = this.now()
    this.stageBytes += bytes
    const result = chunk.stored.append(parts, bytes, count)
    if (result instanceof Promise) {
      outcome.pending.push(
        result.catch((error: unknown) => {
          // The store left the chunk as it was before this append: take the bytes back out.
          chunk.bytes -= bytes
          chunk.count -= count
          if (chunk.state === 'staged') this.stageBytes -= bytes
          else if (chunk.state !== 'gone') this.queueBytes -= bytes
          throw error
        }),
      )
    }
  }

  /** Moves a staged chunk to the queue (an empty one is removed). */
  enqueue(chunk: BufferChunk): void {
    if (chunk.state !== 'staged') return
    if (this.stage.get(chunk.key) === chunk) this.stage.delete(chunk.key)
    this.stageBytes -= chunk.bytes
    if (chunk.count === 0) {
      chunk.state = 'gone'
      this.settle(chunk.stored.purge(), 'remove an empty chunk')
      return
    }
    chunk.state = 'queued'
    this.queueBytes += chunk.bytes
    this.queue.push(chunk)
    this.settle(chunk.stored.enqueue(), 'enqueue a chunk')
  }

  /** Enqueues the staged chunks `when` accepts; unless `force`, stops once `queueLimit` chunks are queued. */
  enqueueWhere(when: (chunk: BufferChunk) => boolean, force: boolean, queueLimit: number): number {
    let n = 0
    for (const chunk of [...this.stage.values()]) {
      if (!force && this.queue.length >= queueLimit) break
      if (when(chunk)) {
        this.enqueue(chunk)
        n++
      }
    }
    return n
  }

  dequeue(): BufferChunk | undefined {
    const chunk = this.queue.shift()
    if (chunk === undefined) return undefined
    chunk.state = 'dequeued'
    this.dequeued.add(chunk)
    return chunk
  }

  /** A failed write: the chunk goes back to the head of the queue. */
  takeback(chunk: BufferChunk): void {
    if (!this.dequeued.delete(chunk)) return
    chunk.state = 'queued'
    this.queue.unshift(chunk)
  }

  /** Forgets a dequeued or queued chunk (written, dropped or backed up); `purge` also deletes it from the store. */
  remove(chunk: BufferChunk, purge: boolean): void {
    if (chunk.state === 'gone') return
    if (chunk.state === 'staged') {
      this.stage.delete(chunk.key)
      this.stageBytes -= chunk.bytes
    } else {
      this.dequeued.delete(chunk)
      const i = this.queue.indexOf(chunk)
      if (i >= 0) this.queue.splice(i, 1)
      this.queueBytes -= chunk.bytes
    }
    chunk.state = 'gone'
    // Nobody reads a chunk's parts after its write resolved (ChunkWriter.readsParts): reuse them.
    if (purge) this.settle(chunk.stored.purge(chunk.lent !== true), 'purge a chunk')
  }

  /** The oldest queued chunk, removed from the queue (overflow_action drop_oldest_chunk). */
  dropOldest(): BufferChunk | undefined {
    const chunk = this.queue[0]
    if (chunk !== undefined) this.remove(chunk, true)
    return chunk
  }

  queuedRecords(): number {
    let n = 0
    for (const c of this.queue) n += c.count
    return n
  }

  private settle(result: void | Promise<void>, what: string): void {
    if (result instanceof Promise)
      result.catch((error: unknown) => this.log.error(`Failed to ${what} in the buffer store.`, { error: String(error) }))
  }
}
