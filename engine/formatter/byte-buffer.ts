/**
 * @module ByteBuffer: the growable byte buffer formatters append to (a `ByteSink`). It doubles when
 * full, can be cut back to an earlier length (an event that failed to format leaves nothing
 * behind), and is reused across chunks (`reset`), so formatting allocates nothing per event once
 * it has grown.
 */

import type { ByteSink } from './types.ts'

const encoder = new TextEncoder()

export class ByteBuffer implements ByteSink {
  bytes: Uint8Array
  length = 0

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(Math.max(16, capacity))
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n
    if (need <= this.bytes.length) return
    let size = this.bytes.length * 2
    while (size < need) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.bytes.subarray(0, this.length))
    this.bytes = grown
  }

  writeByte(b: number): void {
    if (this.length === this.bytes.length) this.reserve(1)
    this.bytes[this.length++] = b
  }

  writeBytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start
    if (n <= 0) return
    this.reserve(n)
    if (n < 16) {
      for (let i = start; i < end; i++) this.bytes[this.length++] = src[i]
      return
    }
    this.bytes.set(src.subarray(start, end), this.length)
    this.length += n
  }

  writeAscii(text: string): void {
    this.reserve(text.length)
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i)
  }

  writeText(text: string): void {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) >= 0x80) {
        // At most 3 bytes per UTF-16 unit.
        this.reserve(text.length * 3)
        const { written } = encoder.encodeInto(text, this.bytes.subarray(this.length))
        this.length += written
        return
      }
    }
    this.writeAscii(text)
  }

  /** Cuts the buffer back to `length` bytes (undo what was appended since). */
  truncate(length: number): void {
    if (length < this.length) this.length = length
  }

  reset(): void {
    this.length = 0
  }

  /** The bytes written, without copying (valid until the next write or reset). */
  view(start = 0): Uint8Array {
    return this.bytes.subarray(start, this.length)
  }

  /** A copy of the bytes written. */
  take(start = 0): Uint8Array {
    return this.bytes.slice(start, this.length)
  }
}
