/**
 * @module Fixed-size memory blocks for the memory buffer's chunks (memory-store.ts). A chunk grows
 * one block at a time (no doubling, so at most one partly filled block per chunk) and gives its
 * blocks back when it is delivered; the next chunks take them again instead of allocating. Without
 * the pool a delivered chunk's bytes stay allocated until V8 collects its ArrayBuffers — on a busy
 * relay that was ~60 MB of dead chunks at any time, on top of the live ones, and the freed blocks
 * were scattered through malloc's heap. The pool keeps at most `limitBytes` of free blocks (the
 * working set of a flushing buffer: the chunks in flight plus the staged one) and drops them all
 * when nothing took a block for `idleMs` (an idle daemon does not keep a burst's memory).
 */

/** How long free blocks are kept when nothing takes them. */
export const POOL_IDLE_MS = 5_000

export class BlockPool {
  private free: Uint8Array[] = []
  private lastTake = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Blocks allocated over the pool's life (for tests and status). */
  allocated = 0

  constructor(
    readonly blockSize: number,
    private readonly limitBytes: number,
    private readonly idleMs: number = POOL_IDLE_MS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(blockSize > 0)) throw new Error('BlockPool: blockSize must be > 0')
  }

  /** Free blocks held now. */
  get freeBlocks(): number {
    return this.free.length
  }

  /** A block of `blockSize` bytes (its content is undefined: the caller overwrites what it uses). */
  take(): Uint8Array {
    this.lastTake = this.now()
    const block = this.free.pop()
    if (block !== undefined) return block
    this.allocated++
    return new Uint8Array(this.blockSize)
  }

  /** Gives blocks back (nobody may read or write them afterwards); those beyond the limit are left to the GC. */
  give(blocks: readonly Uint8Array[]): void {
    const room = Math.floor(this.limitBytes / this.blockSize) - this.free.length
    for (let i = 0; i < blocks.length && i < room; i++) {
      if (blocks[i].byteLength === this.blockSize) this.free.push(blocks[i])
    }
    if (this.free.length > 0) this.scheduleTrim()
  }

  /** Drops every free block (the store closes). */
  clear(): void {
    this.free = []
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private scheduleTrim(): void {
    if (this.timer !== undefined) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      const idle = this.now() - this.lastTake
      if (idle >= this.idleMs) this.free = []
      else if (this.free.length > 0) this.scheduleTrim()
    }, this.idleMs)
    ;(this.timer as { unref?: () => void }).unref?.()
  }
}
