/**
 * @module Writes `[EventTime, record]` entries into one growing buffer: the array header and the
 * EventTime (fixext8) are written by hand, the record by a msgpack encoder into its shared buffer
 * and copied once — no per-entry allocation and no final concatenation. `append` returns the
 * record's encoded size (for the record size limit) and can be undone with `truncate`.
 */

import { Encoder } from '@msgpack/msgpack'
import { eventTimeCodec, type EventTime } from '../event-time.ts'
import type { EntrySink } from '../parser/types.ts'

/** `92` + `d7 00` + 4 bytes of seconds + 4 bytes of nanoseconds. */
export const ENTRY_HEAD_BYTES = 11

export class EntriesWriter implements EntrySink {
  private buffer: Uint8Array
  private view: DataView
  private readonly encoder = new Encoder({ extensionCodec: eventTimeCodec, useBigInt64: true, ignoreUndefined: true })
  length = 0
  count = 0

  constructor(initial = 4096) {
    this.buffer = new Uint8Array(initial)
    this.view = new DataView(this.buffer.buffer)
  }

  /** Appends one entry; returns the record's msgpack size. */
  append(time: EventTime, record: Record<string, unknown>): number {
    const encoded = this.encoder.encodeSharedRef(record)
    this.reserve(ENTRY_HEAD_BYTES + encoded.length)
    const at = this.length
    this.buffer[at] = 0x92
    this.buffer[at + 1] = 0xd7
    this.buffer[at + 2] = 0x00
    this.view.setUint32(at + 3, time.sec)
    this.view.setUint32(at + 7, time.nsec)
    this.buffer.set(encoded, at + ENTRY_HEAD_BYTES)
    this.length += ENTRY_HEAD_BYTES + encoded.length
    this.count++
    return encoded.length
  }

  /** Appends one entry whose record is already msgpack: `bytes[start, end)` (a map). */
  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void {
    const size = end - start
    this.reserve(ENTRY_HEAD_BYTES + size)
    const at = this.length
    this.buffer[at] = 0x92
    this.buffer[at + 1] = 0xd7
    this.buffer[at + 2] = 0x00
    this.view.setUint32(at + 3, sec)
    this.view.setUint32(at + 7, nsec)
    this.buffer.set(bytes.subarray(start, end), at + ENTRY_HEAD_BYTES)
    this.length += ENTRY_HEAD_BYTES + size
    this.count++
  }

  /** Appends `count` entries already encoded back to back in `bytes[start, end)`, in one copy. */
  appendEntries(bytes: Uint8Array, start: number, end: number, count: number): void {
    const size = end - start
    this.reserve(size)
    this.buffer.set(bytes.subarray(start, end), this.length)
    this.length += size
    this.count += count
  }

  /** Drops what was appended after `length` / `count` (a refused entry). */
  truncate(length: number, count: number): void {
    this.length = length
    this.count = count
  }

  /** A copy of the entries, exactly sized (the stream keeps it; this writer may be reused). */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n))
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
    this.view = new DataView(grown.buffer)
  }
}
