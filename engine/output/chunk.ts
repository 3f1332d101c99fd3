/**
 * @module Buffer chunks: what a buffered output hands its writer. A chunk is the msgpack entries
 * stream `[EventTime, record]*` for one metadata (tag, timekey, chunk-key variables) — the same
 * bytes as a PackedForward payload and as Fluentd's buffer files. Chunk ids follow Fluentd: 16
 * bytes, the first 8 are (microseconds since the epoch << 12 | 12 random bits), the rest random;
 * written as 32 hex characters in file names and as base64 in the Forward `chunk` option.
 */

import { concat } from '../forward/msgpack.ts'

export interface ChunkMetadata {
  /** The tag, when `tag` is a chunk key (else ''). */
  readonly tag: string
  /** Start of the time slice (seconds), when `time` is a chunk key (else null). */
  readonly timekey: number | null
  /** Values of record-key chunk keys. */
  readonly variables: Readonly<Record<string, string>>
}

export interface Chunk extends ChunkMetadata {
  readonly id: Uint8Array
  /** Concatenated `[EventTime, record]` msgpack entries (a copy the writer may keep). */
  readonly entries: Uint8Array
  /**
   * The same bytes as consecutive views of the buffer's own memory, without a copy: only for a
   * writer with `readsParts` (then `entries` is joined from them when first read). Valid until the
   * write settles; the buffer reuses that memory once the write resolved.
   */
  readonly parts?: readonly Uint8Array[]
  readonly count: number
  /** When the first event was staged (ms since the epoch). */
  readonly createdAt: number
}

/** What the buffer hands a writer with each write. */
export interface WriteContext {
  /**
   * Aborted when the buffer gives up on this write (delayed_commit_timeout, shutdown): the chunk
   * is rolled back and will be written again, so the writer must stop sending it (close its
   * connection, try no further destination) and settle soon.
   */
  readonly signal: AbortSignal
}

/**
 * What an output does with a chunk. Resolves only once the destination confirmed it; rejects when
 * it did not (the chunk goes back to the queue). An error with `rollback: true` (see
 * errors.ts `RollbackError`) says the chunk was sent but not confirmed and another destination may
 * take it at once: the buffer writes it again without counting a retry step.
 */
export interface ChunkWriter {
  write(chunk: Chunk, context?: WriteContext): Promise<void>
  /**
   * The writer reads `chunk.parts` (the buffer's memory, no copy) and keeps neither them nor
   * `chunk.entries` once its write resolved, so a memory buffer reuses the chunk's blocks at once.
   * A write that rejects may leave them in use (a socket write not cancelled yet): such a chunk's
   * memory is never reused, only left to the GC.
   */
  readonly readsParts?: boolean
}

/** A chunk whose `entries` are joined from `parts` when first read (the parts are not copied before). */
export function chunkOfParts(
  metadata: ChunkMetadata,
  id: Uint8Array,
  parts: readonly Uint8Array[],
  count: number,
  createdAt: number,
): Chunk {
  let joined: Uint8Array | null = null
  return {
    tag: metadata.tag,
    timekey: metadata.timekey,
    variables: metadata.variables,
    id,
    parts,
    count,
    createdAt,
    get entries(): Uint8Array {
      if (joined === null) joined = concat(parts)
      return joined
    },
  }
}

/** The chunk without `parts` (its entries joined): for a target that may keep it. */
export function plainChunk(chunk: Chunk): Chunk {
  if (chunk.parts === undefined) return chunk
  return {
    tag: chunk.tag,
    timekey: chunk.timekey,
    variables: chunk.variables,
    id: chunk.id,
    entries: chunk.entries,
    count: chunk.count,
    createdAt: chunk.createdAt,
  }
}

export function newChunkId(nowMs: number = Date.now(), random: (bytes: Uint8Array) => void = fillRandom): Uint8Array {
  const id = new Uint8Array(16)
  random(id)
  const micros = BigInt(Math.floor(nowMs * 1000))
  const head = (micros << 12n) | BigInt(((id[6] << 8) | id[7]) & 0xfff)
  new DataView(id.buffer).setBigUint64(0, head & 0xffff_ffff_ffff_ffffn)
  return id
}

function fillRandom(bytes: Uint8Array): void {
  crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>)
}

export function chunkIdHex(id: Uint8Array): string {
  let s = ''
  for (const b of id) s += b.toString(16).padStart(2, '0')
  return s
}

/** Standard base64 of the id (what sluice sends as the Forward `chunk` option). */
export function chunkIdBase64(id: Uint8Array): string {
  let binary = ''
  for (const b of id) binary += String.fromCharCode(b)
  return btoa(binary)
}
