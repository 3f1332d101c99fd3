/**
 * @module Lines → multiline records for one source (in_tail's multiline handling, per file):
 * - with `format_firstline`: a first line ends the record held before it (which is parsed) and
 *   starts a new one; other lines are added to it; lines before any first line are unmatched
 *   ("got incomplete line before first line");
 * - without it: each line is added and the held text is parsed again; the first time it gives a
 *   record, the record(s) are appended and the text is dropped.
 * `flush` parses what is held (end of input, in_tail's `multiline_flush_interval`). Held text is
 * capped at `max_joined_size` bytes: beyond it, what is held is parsed (or given up as unmatched)
 * and the next lines start over. Lines that are not UTF-8 are unmatched.
 */

import { decodeUtf8, INVALID_UTF8 } from '../../parser/common.ts'
import type { EntrySink, ParserStream, Unmatched } from '../../parser/types.ts'
import type { EventTime } from '../../event-time.ts'
import type { MultilineParser } from './multiline.ts'

const utf8 = new TextEncoder()

export class MultilineStream implements ParserStream {
  private held: string | null = null
  private heldBytes = 0

  constructor(
    private readonly parser: MultilineParser,
    private readonly limit: number,
  ) {}

  get pending(): boolean {
    return this.held !== null
  }

  push(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    const line = decodeUtf8(bytes, start, end)
    if (line === null) {
      unmatched(bytes.slice(start, end), INVALID_UTF8)
      return 0
    }
    const size = end - start
    if (this.parser.firstline !== null) {
      if (this.parser.isFirstline(line)) {
        const n = this.flush(out, now, unmatched)
        this.hold(line, size)
        return n
      }
      if (this.held === null) {
        unmatched(bytes.slice(start, end), 'got incomplete line before first line')
        return 0
      }
      this.append(line, size)
      return this.heldBytes > this.limit ? this.flush(out, now, unmatched) : 0
    }
    if (this.held === null) this.hold(line, size)
    else this.append(line, size)
    const n = this.parser.parseJoined(this.held!, out, now)
    if (n > 0) {
      this.report(this.held!, unmatched)
      this.held = null
      this.heldBytes = 0
      return n
    }
    if (this.heldBytes > this.limit) {
      unmatched(utf8.encode(this.held!), `held lines exceed max_joined_size (${this.limit} bytes) without forming a record`)
      this.held = null
      this.heldBytes = 0
    }
    return 0
  }

  flush(out: EntrySink, now: EventTime, unmatched: Unmatched): number {
    if (this.held === null) return 0
    const text = this.held
    this.held = null
    this.heldBytes = 0
    const n = this.parser.parseJoined(text, out, now)
    this.report(text, unmatched)
    return n
  }

  private hold(line: string, size: number): void {
    this.held = line
    this.heldBytes = size
  }

  private append(line: string, size: number): void {
    this.held += `\n${line}`
    this.heldBytes += size + 1
  }

  /** The parts of a parsed text that gave no record. */
  private report(text: string, unmatched: Unmatched): void {
    if (this.parser.lastFailure !== null) unmatched(utf8.encode(text), this.parser.lastError)
  }
}
