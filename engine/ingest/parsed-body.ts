/**
 * @module in_http with a `<parse>` parser other than its default (Fluentd's
 * `parse_params_with_parser`): the whole request body, after Content-Encoding and whatever its
 * Content-Type, is the parser's one text; each record it yields gets the request's decorations
 * (HTTP_* / QUERY_* / REMOTE_ADDR, set as Ruby's `record[k] = v`: an existing key keeps its place)
 * and the `time` param's time when one is given, else the parser's time. Records stay msgpack
 * bytes: the parser writes them into this sink, which edits the map on the bytes
 * (engine/records/map-edit.ts) and appends the entry — no JavaScript object per record for parsers
 * that write bytes.
 */

import { encodeRecord } from '../event-stream.ts'
import type { EventTime } from '../event-time.ts'
import { type EntrySink, failureOf, type ParseFailure, type ParserPlugin } from '../parser/types.ts'
import { EntriesWriter } from '../records/entries-writer.ts'
import { encodeString, MapEditor, type MapEntry } from '../records/map-edit.ts'

const encoder = new TextEncoder()
const NIL = Uint8Array.of(0xc0)
/** The entries buffer is reused up to this size. */
const KEPT_BYTES = 1 << 20

/** What one body gave. */
export interface ParsedBody {
  /** The accepted entries `[EventTime, record]*`. */
  entries: Uint8Array
  count: number
  /** What did not parse (Fluentd: 'unmatched' yields nil → skipped; 'invalid' raises → 400), or null. */
  failure: ParseFailure | null
  /** Records (numbered from 0 in the parser's order) over the record size limit, refused on their own. */
  tooLarge: { index: number; size: number }[]
}

/** The request's decorations as map entries (see records.ts for their names). */
export function decorationEntries(
  headers: [string, string][] | null,
  query: [string, string][] | null,
  remoteAddr: string | null | undefined,
): MapEntry[] {
  const set: MapEntry[] = []
  for (const [k, v] of headers ?? []) set.push({ key: encoder.encode(k), value: encodeString(v) })
  for (const [k, v] of query ?? []) set.push({ key: encoder.encode(k), value: encodeString(v) })
  if (remoteAddr !== undefined)
    set.push({ key: encoder.encode('REMOTE_ADDR'), value: remoteAddr === null ? NIL : encodeString(remoteAddr) })
  return set
}

/** One ingest app's parser and the sink it writes into (parse is synchronous: one request at a time). */
export class ParsedBodies implements EntrySink {
  private readonly editor = new MapEditor()
  /** Reused across requests: `bytes()` hands out a copy. */
  private out = new EntriesWriter(4096)
  private set: readonly MapEntry[] = []
  private fixed: EventTime | null = null
  private index = 0
  private tooLarge: { index: number; size: number }[] = []

  constructor(
    private readonly parser: ParserPlugin,
    private readonly recordSizeLimit: number,
  ) {}

  /**
   * Parses `body` as one text. `now` is the time of records without one; `fixed` (the `time`
   * param), when not null, is every record's time; `set` are the decorations.
   */
  parse(body: Uint8Array, now: EventTime, fixed: EventTime | null, set: readonly MapEntry[]): ParsedBody {
    this.out.truncate(0, 0)
    this.set = set
    this.fixed = fixed
    this.index = 0
    this.tooLarge = []
    const appended = this.parser.parse(body, 0, body.length, this, now)
    const failure = failureOf(this.parser, appended)
    const result = { entries: this.out.bytes(), count: this.out.count, failure, tooLarge: this.tooLarge }
    // A large body's buffer is not kept for the requests after it.
    if (this.out.length > KEPT_BYTES) this.out = new EntriesWriter(4096)
    return result
  }

  append(time: EventTime, record: Record<string, unknown>): number {
    const bytes = encodeRecord(record)
    this.appendEncoded(time.sec, time.nsec, bytes, 0, bytes.length)
    return bytes.length
  }

  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void {
    let src = bytes
    if (this.set.length > 0 && this.editor.edit(bytes, start, [], this.set)) {
      src = this.editor.bytes
      start = this.editor.start
      end = this.editor.end
    }
    const index = this.index++
    if (end - start > this.recordSizeLimit) {
      this.tooLarge.push({ index, size: end - start })
      return
    }
    const fixed = this.fixed
    if (fixed === null) this.out.appendEncoded(sec, nsec, src, start, end)
    else this.out.appendEncoded(fixed.sec, fixed.nsec, src, start, end)
  }
}
