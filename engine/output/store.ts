/**
 * @module The buffer store contract: where a buffered output keeps its chunks. The engine ships
 * the memory store (memory-store.ts); runtimes inject others through `PluginContext.services`
 * (node-server/buffer/file-store.ts keeps chunks as files and resumes them after a restart).
 * The buffer does the accounting (sizes, limits, stage/queue order); a store only keeps bytes.
 */

import type { Core } from '../../wasm/core.ts'
import type { Logger } from '../log.ts'
import type { Chunk, ChunkMetadata } from './chunk.ts'

/** One chunk in a store. Calls on one chunk are applied in the order they are made. */
export interface StoreChunk {
  readonly id: Uint8Array
  readonly metadata: ChunkMetadata
  /** When the chunk was created (ms since the epoch). */
  readonly createdAt: number
  /**
   * Appends entries (`parts` are consecutive `[time, record]` msgpack entries). Resolves (or
   * returns) once the bytes are stored; on failure the chunk is as it was before this append.
   */
  append(parts: readonly Uint8Array[], bytes: number, count: number): void | Promise<void>
  /** The chunk leaves the stage for the queue (a file store renames `.b` to `.q`). */
  enqueue(): void | Promise<void>
  /**
   * Every entry appended so far (for the writer). Appends copy or store their bytes before they
   * return or resolve, so the parts handed to `append` may be reused by the caller afterwards —
   * except by a file store, whose pending append still reads them.
   */
  read(): Uint8Array | Promise<Uint8Array>
  /**
   * The entries as views of the store's own memory, without a copy (memory store). They stay valid
   * until `purge`; optional.
   */
  parts?(): Uint8Array[]
  /**
   * Removes the chunk (after it was written, or dropped). With `reuse` nobody holds views from
   * `parts()` any more, and a store may reuse that memory for other chunks at once.
   */
  purge(reuse?: boolean): void | Promise<void>
  /**
   * The chunk was delivered (the write resolved: for out_forward, the receiver acked it). A
   * persistent store records that at once, synchronously, so a crash of the process after this
   * call never replays the chunk (the duplicates a crash can cause are the chunks still in flight).
   * `purge` follows and removes what is left. Optional: a memory store keeps nothing across a crash.
   */
  commit?(): void
}

/** A chunk found by `resume`, with its size and count as stored. */
export interface ResumedChunk {
  chunk: StoreChunk
  state: 'staged' | 'queued'
  bytes: number
  count: number
  /** Last write (ms since the epoch); queued chunks are replayed oldest first. */
  modifiedAt: number
}

export interface BufferStore {
  /** `memory`, `file`, … */
  readonly type: string
  /** Chunks survive a restart (Fluentd's `persistent?`). */
  readonly persistent: boolean
  /**
   * Every `append` copies its parts into memory the store owns before it returns (synchronously,
   * with no core call before the copy) and keeps no reference to them: a buffered output may then
   * append a lent stream's bytes (event-stream.ts) without copying them first. Absent: the output
   * copies a lent stream before appending it.
   */
  readonly appendCopies?: boolean
  /** Chunks left by a previous run (once, before the first `create`). */
  resume(): Promise<ResumedChunk[]>
  create(metadata: ChunkMetadata, id: Uint8Array, createdAt: number): StoreChunk
  /**
   * Keeps a chunk nobody could deliver where an operator can find it and removes it from the
   * store. Returns where it went, or null when this runtime has nowhere to keep it.
   */
  backup(chunk: StoreChunk, count: number): Promise<string | null>
  /** Releases the store; a persistent store keeps its chunks for the next run. */
  close(): Promise<void>
}

/** What a store factory receives (from the buffered output). */
export interface BufferStoreOptions {
  core: Core
  log: Logger
  /** The output's `@id` (or generated id): names backup directories. */
  pluginId: string
  /** `<buffer> path`, when written. */
  path: string | null
  /** Where the plugin suggests chunks go when `path` is not written and the runtime has no root dir. */
  defaultPath?: string | null
  /** Clock (ms since the epoch). */
  now(): number
  /**
   * `<buffer> delivery durable`: an append resolves only once its bytes are on stable storage
   * (fsync), and new chunk files are made durable with their directory entries.
   */
  durable?: boolean
  /**
   * The worker this output runs in and how many workers run its directive (PluginContext.worker):
   * a file store shared by several workers keeps each worker's chunks in its own directory.
   */
  worker?: { id: number; count: number }
}

/** Writes an undeliverable chunk somewhere durable; returns where (node: `<root>/backup/<id>/<chunk>.log`). */
export type ChunkBackup = (pluginId: string, chunk: Chunk) => Promise<string>

/** Runtime services a plugin context may carry (injected through AgentOptions.services). */
export interface BufferServices {
  /** Creates a store of a `<buffer> @type` other than memory (e.g. file); throws on bad options. */
  bufferStore?(type: string, options: BufferStoreOptions): BufferStore
  /** Where memory buffers keep chunks they could not deliver. */
  backupChunk?: ChunkBackup
}
