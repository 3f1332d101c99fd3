/**
 * @module Where in_tail's parsers write: the batch's entries writer, plus what in_tail adds to
 * records — `path_key` (the file's path, set only when the record has no value there or holds
 * nil/false, as Ruby's `record[key] ||= path`) and the `{"unmatched_line": line}` record of
 * emit_unmatched_lines. Records from the parser stay msgpack bytes: the key is appended to the
 * map's bytes (header count + 1) without decoding it.
 */

import { EventTime } from '../../../engine/event-time.ts'
import { findKey } from '../../../engine/records/field-scan.ts'
import { decodeRecord } from '../../../engine/event-stream.ts'
import { EntriesWriter } from '../../../engine/records/entries-writer.ts'
import type { EntrySink } from '../../../engine/parser/types.ts'

const encoder = new TextEncoder()
const UNMATCHED_KEY = encoder.encode('unmatched_line')

/** A msgpack str header for `length` bytes. */
function strHeader(length: number): Uint8Array {
  if (length < 32) return Uint8Array.of(0xa0 | length)
  if (length < 0x100) return Uint8Array.of(0xd9, length)
  if (length < 0x10000) return Uint8Array.of(0xda, length >> 8, length & 0xff)
  return Uint8Array.of(0xdb, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff)
}

/** A msgpack map header for `count` pairs. */
function mapHeader(count: number): Uint8Array {
  if (count < 16) return Uint8Array.of(0x80 | count)
  if (count < 0x10000) return Uint8Array.of(0xde, count >> 8, count & 0xff)
  return Uint8Array.of(0xdf, count >>> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff)
}

/** `str` as msgpack (header + bytes). */
function encodeStr(bytes: Uint8Array): Uint8Array {
  const header = strHeader(bytes.length)
  const out = new Uint8Array(header.length + bytes.length)
  out.set(header)
  out.set(bytes, header.length)
  return out
}

/** The map at `p`: its pair count and where its first key starts; null when it is not a map. */
function readMapHeader(b: Uint8Array, p: number): { count: number; body: number } | null {
  const h = b[p]
  if (h >= 0x80 && h <= 0x8f) return { count: h & 0x0f, body: p + 1 }
  if (h === 0xde) return { count: (b[p + 1] << 8) | b[p + 2], body: p + 3 }
  if (h === 0xdf) return { count: ((b[p + 1] << 24) | (b[p + 2] << 16) | (b[p + 3] << 8) | b[p + 4]) >>> 0, body: p + 5 }
  return null
}

/**
 * The sink of one in_tail source: entries go to `writer`; with path_key, every record gets the
 * current file's path (`setPath` before feeding a file's lines).
 */
export class RecordSink implements EntrySink {
  readonly writer = new EntriesWriter(64 * 1024)
  private readonly pathKey: Uint8Array | null
  private readonly pathKeyText: string | null
  private path = ''
  /** msgpack of `pathKey` + the path (the pair appended to records). */
  private pathPair = new Uint8Array(0)
  private scratch = new Uint8Array(1024)

  /** Whole entries in one copy (EntrySink.appendEntries); absent with path_key, which changes each record. */
  readonly appendEntries?: (bytes: Uint8Array, start: number, end: number, count: number) => void

  constructor(pathKey: string | null) {
    this.pathKeyText = pathKey
    this.pathKey = pathKey === null ? null : encoder.encode(pathKey)
    if (pathKey === null) this.appendEntries = (bytes, start, end, count) => this.writer.appendEntries(bytes, start, end, count)
  }

  get count(): number {
    return this.writer.count
  }

  /** The file whose lines are fed next. */
  setPath(path: string): void {
    if (this.pathKey === null || path === this.path) return
    this.path = path
    const key = encodeStr(this.pathKey)
    const value = encodeStr(encoder.encode(path))
    this.pathPair = new Uint8Array(key.length + value.length)
    this.pathPair.set(key)
    this.pathPair.set(value, key.length)
  }

  append(time: EventTime, record: Record<string, unknown>): number {
    if (this.pathKeyText !== null) {
      const current = record[this.pathKeyText]
      if (current === undefined || current === null || current === false) record[this.pathKeyText] = this.path
    }
    return this.writer.append(time, record)
  }

  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void {
    if (this.pathKey === null) return this.writer.appendEncoded(sec, nsec, bytes, start, end)
    const header = readMapHeader(bytes, start)
    if (header === null) return this.writer.appendEncoded(sec, nsec, bytes, start, end)
    const at = findKey(bytes, start, this.pathKey)
    if (at >= 0) {
      // Present: kept unless nil or false (then replaced, on the cold path of decoding the record).
      if (bytes[at] !== 0xc0 && bytes[at] !== 0xc2) return this.writer.appendEncoded(sec, nsec, bytes, start, end)
      const record = decodeRecord(bytes.subarray(start, end))
      record[this.pathKeyText!] = this.path
      this.writer.append(new EventTime(sec, nsec), record)
      return
    }
    const head = mapHeader(header.count + 1)
    const bodyLength = end - header.body
    const size = head.length + bodyLength + this.pathPair.length
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, this.scratch.length * 2))
    this.scratch.set(head, 0)
    this.scratch.set(bytes.subarray(header.body, end), head.length)
    this.scratch.set(this.pathPair, head.length + bodyLength)
    this.writer.appendEncoded(sec, nsec, this.scratch, 0, size)
  }

  /** Appends `{"unmatched_line": line}` (+ path_key) at `time`. */
  appendUnmatched(line: Uint8Array, time: EventTime): void {
    const key = encodeStr(UNMATCHED_KEY)
    const header = strHeader(line.length)
    const pairs = this.pathKey === null || this.pathKeyText === 'unmatched_line' ? 1 : 2
    const size = 1 + key.length + header.length + line.length + (pairs === 2 ? this.pathPair.length : 0)
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, this.scratch.length * 2))
    let at = 0
    this.scratch[at++] = 0x80 | pairs
    this.scratch.set(key, at)
    at += key.length
    this.scratch.set(header, at)
    at += header.length
    this.scratch.set(line, at)
    at += line.length
    if (pairs === 2) {
      this.scratch.set(this.pathPair, at)
      at += this.pathPair.length
    }
    this.writer.appendEncoded(time.sec, time.nsec, this.scratch, 0, at)
  }

  /** The entries so far (a copy the stream keeps), and a fresh batch. */
  take(): { entries: Uint8Array; count: number } {
    const taken = { entries: this.writer.bytes(), count: this.writer.count }
    this.writer.truncate(0, 0)
    return taken
  }

  /** Drops the entries of the current batch (a rejected emit is read again). */
  discard(): void {
    this.writer.truncate(0, 0)
  }
}
