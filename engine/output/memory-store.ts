/**
 * @module The memory buffer store (Fluentd's buf_memory). A chunk copies each append into its own
 * blocks before `append` returns (so an input may lend its read buffer to the emit), and grows one
 * fixed-size block at a time from the store's BlockPool (block-pool.ts): at most one partly used
 * block per chunk, no doubling slack (a small chunk starts with 4 KiB blocks that double up to the
 * pool's size, so a quiet tag's chunk holds a few KiB), no copy when the chunk is written to a writer that reads
 * `parts` (out_forward sends the blocks as they are). A chunk whose write was confirmed gives its
 * blocks back to the pool (`purge(true)`), so the next chunks reuse them at once instead of
 * waiting for the GC. Nothing survives a restart; undeliverable chunks go to the runtime's
 * `backupChunk` service when there is one.
 */

import { concat } from '../forward/msgpack.ts'
import { BlockPool } from './block-pool.ts'
import type { ChunkMetadata } from './chunk.ts'
import type { BufferStore, ChunkBackup, ResumedChunk, StoreChunk } from './store.ts'

/** The pool's block size (at most): a 4 MiB chunk is 64 blocks (one writev). */
export const MAX_BLOCK_SIZE = 64 * 1024
/** A small chunk's first block (doubling up to the pool's block size). */
export const MIN_BLOCK_SIZE = 4 * 1024

export interface MemoryStoreOptions {
  /** The buffer's chunk_limit_size: blocks are never larger. */
  chunkLimitSize?: number
  /** Free blocks kept for the next chunks, in bytes (default 0: delivered chunks are left to the GC). */
  poolBytes?: number
}

class MemoryChunk implements StoreChunk {
  /** Small blocks first, then pool blocks (newBlock); the last one is used up to `tail`. */
  private blocks: Uint8Array[] = []
  private tail = 0

  constructor(
    readonly metadata: ChunkMetadata,
    readonly id: Uint8Array,
    readonly createdAt: number,
    private readonly pool: BlockPool,
  ) {}

  append(parts: readonly Uint8Array[]): void {
    for (const part of parts) {
      let from = 0
      while (from < part.length) {
        const last = this.blocks[this.blocks.length - 1]
        if (last === undefined || this.tail === last.length) {
          this.blocks.push(this.newBlock(last, part.length - from))
          this.tail = 0
        }
        const block = this.blocks[this.blocks.length - 1]
        const n = Math.min(block.length - this.tail, part.length - from)
        block.set(from === 0 && n === part.length ? part : part.subarray(from, from + n), this.tail)
        this.tail += n
        from += n
      }
    }
  }

  /**
   * The next block: a small chunk starts with a small block (MIN_BLOCK_SIZE, or the power of two
   * that fits what is left of the append) and doubles while under the pool's block size, so a chunk
   * of a quiet tag holds a few KiB, not 64; from the pool's size on, every block is a pool block.
   */
  private newBlock(last: Uint8Array | undefined, need: number): Uint8Array {
    const blockSize = this.pool.blockSize
    let size = MIN_BLOCK_SIZE
    while (size < need && size < blockSize) size *= 2
    if (last !== undefined) size = Math.max(size, last.length * 2)
    return size >= blockSize ? this.pool.take() : new Uint8Array(size)
  }

  enqueue(): void {}

  /** The entries as one new array (a copy the caller may keep). */
  read(): Uint8Array {
    return concat(this.parts())
  }

  /** The entries as views of the chunk's own blocks (valid until the chunk is purged). */
  parts(): Uint8Array[] {
    const n = this.blocks.length
    if (n === 0) return []
    const out = this.blocks.slice(0, n - 1)
    out.push(this.blocks[n - 1].subarray(0, this.tail))
    return out
  }

  purge(reuse = false): void {
    if (reuse) this.pool.give(this.blocks)
    this.blocks = []
    this.tail = 0
  }
}

/**
 * @example
 * const store = createMemoryStore(ctx.id, ctx.services?.backupChunk, { chunkLimitSize, poolBytes })
 */
export interface MemoryStore extends BufferStore {
  /** Where the chunks' blocks come from and go back to. */
  readonly pool: BlockPool
}

export function createMemoryStore(pluginId: string, backupChunk?: ChunkBackup, options: MemoryStoreOptions = {}): MemoryStore {
  const blockSize = Math.max(1, Math.min(MAX_BLOCK_SIZE, options.chunkLimitSize ?? MAX_BLOCK_SIZE))
  const pool = new BlockPool(blockSize, options.poolBytes ?? 0)
  return {
    pool,
    type: 'memory',
    persistent: false,
    // append copies into the chunk's blocks before it returns: a lent stream goes in uncopied.
    appendCopies: true,
    resume: async (): Promise<ResumedChunk[]> => [],
    create: (metadata, id, createdAt) => new MemoryChunk(metadata, id, createdAt, pool),
    async backup(chunk, count) {
      if (backupChunk === undefined) return null
      const where = await backupChunk(pluginId, {
        ...chunk.metadata,
        id: chunk.id,
        entries: await chunk.read(),
        count,
        createdAt: chunk.createdAt,
      })
      // Not reused: a writer that failed on this chunk may still hold its parts.
      await chunk.purge()
      return where
    },
    close: async () => pool.clear(),
  }
}
