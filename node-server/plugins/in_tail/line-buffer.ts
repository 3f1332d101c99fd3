/**
 * @module A file's bytes read but not yet consumed as lines: `buf[start, end)`, with `base` the file
 * offset of `buf[0]`. While a file is read it borrows one shared scratch buffer (a read of 64 KiB
 * to 1 MiB plus the partial line, grown geometrically for a long line); when it goes idle it gives
 * the scratch back and keeps only its partial line, so thousands of idle files hold a few bytes each.
 */

import { MAX_READ_BYTES, READ_CHUNK_BYTES } from './options.ts'

/** The largest scratch the pool keeps (a full read plus a usual partial line). */
const POOL_MAX = 2 * MAX_READ_BYTES

const EMPTY = Buffer.alloc(0)
/** Bytes kept to recognize the content before the read offset. */
export const PRINT_BYTES = 32

/** The one scratch buffer of a source (its files are read one at a time). */
export class ScratchPool {
  private spare: Buffer | null = null

  take(min: number): Buffer {
    const spare = this.spare
    if (spare !== null && spare.length >= min) {
      this.spare = null
      return spare
    }
    return Buffer.allocUnsafe(Math.min(POOL_MAX, Math.max(min, 2 * READ_CHUNK_BYTES, 2 * (spare?.length ?? 0))))
  }

  give(buffer: Buffer): void {
    // Keep the scratch of a usual size; a buffer grown for a huge line is let go.
    if (buffer.length <= POOL_MAX && (this.spare === null || this.spare.length < buffer.length)) this.spare = buffer
  }
}

export class LineBuffer {
  buf: Buffer = EMPTY
  start = 0
  end = 0
  /** File offset of buf[0]. */
  base = 0
  /** The last bytes read (up to PRINT_BYTES, ending at readOffset): a truncation missed by stat shows as a change here. */
  readonly print = Buffer.alloc(PRINT_BYTES)
  printLength = 0
  private borrowed = false

  /** File offset of the first byte not consumed (the start of the partial line). */
  get consumedOffset(): number {
    return this.base + this.start
  }

  /** File offset of the next byte to read. */
  get readOffset(): number {
    return this.base + this.end
  }

  /** Bytes held (the partial line). */
  get pending(): number {
    return this.end - this.start
  }

  /** Forgets everything and reads next from `offset`. */
  reset(offset: number, pool: ScratchPool): void {
    if (this.borrowed) pool.give(this.buf)
    this.buf = EMPTY
    this.borrowed = false
    this.start = 0
    this.end = 0
    this.base = offset
    this.printLength = 0
  }

  /** Remembers the last bytes read (call after appending a read). */
  notePrint(): void {
    const n = Math.min(PRINT_BYTES, this.end)
    this.buf.copy(this.print, 0, this.end - n, this.end)
    this.printLength = n
  }

  /** Drops the held bytes but keeps reading where it was (a too-long line being skipped). */
  dropPending(): void {
    this.base += this.end
    this.start = 0
    this.end = 0
  }

  /** Makes room for `n` more bytes after `end`: compacts, borrows the scratch, or grows. */
  reserve(n: number, pool: ScratchPool): void {
    const held = this.end - this.start
    if (this.end + n <= this.buf.length) return
    if (held + n <= this.buf.length && this.borrowed) {
      this.buf.copyWithin(0, this.start, this.end)
    } else {
      const next = held + n <= POOL_MAX ? pool.take(held + n) : Buffer.allocUnsafe(Math.max(held + n, 2 * this.buf.length))
      this.buf.copy(next, 0, this.start, this.end)
      if (this.borrowed) pool.give(this.buf)
      this.borrowed = true
      this.buf = next
    }
    this.base += this.start
    this.start = 0
    this.end = held
  }

  /** Gives the scratch back, keeping a copy of the partial line only. */
  release(pool: ScratchPool): void {
    if (!this.borrowed) return
    const held = this.end - this.start
    const kept = held === 0 ? EMPTY : Buffer.from(this.buf.subarray(this.start, this.end))
    pool.give(this.buf)
    this.borrowed = false
    this.buf = kept
    this.base += this.start
    this.start = 0
    this.end = held
  }
}
