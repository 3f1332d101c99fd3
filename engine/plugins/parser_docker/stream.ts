/**
 * @module Docker json-file lines for one file: Docker splits a log line longer than 16 KiB into
 * entries whose `log` does not end in a newline; they are held per stream (stdout, stderr) and
 * joined until one ends in `\n` (kept, as Docker wrote it). The record is the first part's, with
 * the joined `log` (so its time is the first part's). `flush` emits what is held; a join beyond
 * `max_joined_size` bytes is emitted as it is and the next parts start a new record.
 */

import type { EventTime } from '../../event-time.ts'
import type { EntrySink, ParserStream, Unmatched } from '../../parser/types.ts'
import type { ParsedRecord } from '../../parser/values.ts'
import { type DockerParser, readDockerLine } from './docker.ts'

interface Held {
  record: ParsedRecord
  parts: string[]
  bytes: number
}

const utf8 = new TextEncoder()

export class DockerStream implements ParserStream {
  private readonly held = new Map<unknown, Held>()

  constructor(
    private readonly parser: DockerParser,
    private readonly limit: number,
  ) {}

  get pending(): boolean {
    return this.held.size > 0
  }

  push(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    const record = readDockerLine(bytes, start, end)
    if (typeof record === 'string') {
      unmatched(bytes.slice(start, end), record)
      return 0
    }
    const log = record.get('log')
    if (typeof log !== 'string') return this.emit(record, out, now, unmatched)
    const stream = record.get('stream') ?? null
    const held = this.held.get(stream)
    const partial = !log.endsWith('\n')
    if (held === undefined) {
      if (!partial) return this.emit(record, out, now, unmatched)
      this.held.set(stream, { record, parts: [log], bytes: end - start })
      return 0
    }
    held.parts.push(log)
    held.bytes += end - start
    if (partial && held.bytes <= this.limit) return 0
    this.held.delete(stream)
    held.record.set('log', held.parts.join(''))
    return this.emit(held.record, out, now, unmatched)
  }

  flush(out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    let n = 0
    for (const held of this.held.values()) {
      held.record.set('log', held.parts.join(''))
      n += this.emit(held.record, out, now, unmatched)
    }
    this.held.clear()
    return n
  }

  private emit(record: ParsedRecord, out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    const log = record.get('log')
    const n = this.parser.emitRecord(record, out, now)
    if (this.parser.lastFailure !== null) unmatched(utf8.encode(typeof log === 'string' ? log : ''), this.parser.lastError)
    return n
  }
}
