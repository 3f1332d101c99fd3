/**
 * @module An EntrySink that keeps what a parser appends instead of writing entries: the parsers
 * that run another parser on part of their input (cri's nested `<parse>`) and filter_parser read
 * each record back from it. Records appended as objects are encoded with the record writer.
 */

import type { EventTime } from '../event-time.ts'
import { RecordWriter } from './record-writer.ts'
import type { EntrySink } from './types.ts'

export interface CapturedRecord {
  sec: number
  nsec: number
  /** The record's msgpack bytes (a copy). */
  bytes: Uint8Array
}

export class CaptureSink implements EntrySink {
  readonly records: CapturedRecord[] = []
  private writer: RecordWriter | null = null

  append(time: EventTime, record: Record<string, unknown>): number {
    this.writer ??= new RecordWriter()
    const n = this.writer.encode(record)
    this.records.push({ sec: time.sec, nsec: time.nsec, bytes: this.writer.bytes().slice(0, n) })
    return n
  }

  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void {
    this.records.push({ sec, nsec, bytes: bytes.slice(start, end) })
  }

  clear(): void {
    this.records.length = 0
  }
}
