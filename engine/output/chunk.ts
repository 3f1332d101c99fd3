/**
 * @module Buffer chunks: what a buffered output hands its writer. A chunk is the msgpack entries
 * stream `[EventTime, record]*` for one metadata (tag, timekey, chunk-key variables) — the same
 * bytes as a PackedForward payload and as Fluentd's buffer files. Chunk ids follow Fluentd: 16
 * bytes, the first 8 are (microseconds since the epoch << 12 | 12 random bits), the rest random;
 * written as 32 hex characters in file names and as base64 in the Forward `chunk` option.
 */

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
  /** Concatenated `[EventTime, record]` msgpack entries. */
  readonly entries: Uint8Array
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
