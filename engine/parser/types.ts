/**
 * @module The parser plugin kind (Fluentd's `<parse>`): turns one unit of input — a line without its
 * newline (in_tail, in_tcp, in_syslog), a request body (in_http), a record field's value
 * (filter_parser) — into records with their event times, written straight into an entries sink as
 * `[EventTime, record]` msgpack entries. Text arrives as UTF-8 bytes and a range, so a parser that
 * can work on bytes (json: the core's transcoder) never builds a string or a JS object per record.
 */

import type { EventTime } from '../event-time.ts'

/** Where a parser writes what it yields: `[EventTime, record]` entries (engine/records/entries-writer.ts). */
export interface EntrySink {
  /** Appends one record given as an object (encoded to msgpack); returns the record's encoded size. */
  append(time: EventTime, record: Record<string, unknown>): number
  /** Appends one record already encoded as a msgpack map: `bytes[start, end)`. */
  appendEncoded(sec: number, nsec: number, bytes: Uint8Array, start: number, end: number): void
  /**
   * Optional: appends `count` whole `[EventTime, record]` entries already encoded back to back in
   * `bytes[start, end)` (each `92 d7 00 <sec> <nsec> <map>`), in one copy. A parser whose output is
   * such a block (parser_json's core output) uses it when nothing needs a record of its own; sinks
   * that change records (in_tail's path_key) leave it out and get `appendEncoded` per record.
   */
  appendEntries?(bytes: Uint8Array, start: number, end: number, count: number): void
}

/** A parser instance, built from one `<parse>` section. */
export interface ParserPlugin {
  /**
   * Parses `bytes[start, end)` and appends one entry to `out` for every record it yields (Fluentd's
   * `parse(text) { |time, record| … }`; a JSON array or a msgpack stream yields several). `now` is
   * the time of records without one (`estimate_current_event`). Returns how many records were
   * appended; 0 means "pattern not matched", and `lastError` says why. Never throws on bad input.
   *
   * `original` is the event's own time when the text comes from an event (filter_parser): with
   * `estimate_current_event false`, a record without a time gets it, as Fluentd keeps the original
   * time then. Without it (in_tail, in_tcp…) such a record is not appended and counts as unmatched.
   */
  parse(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, original?: EventTime): number
  /**
   * Why part of the last `parse` yielded no record ('' when all of it did): `pattern not matched`,
   * the JSON error, `invalid time format: …`. Set also when some records were appended (a JSON
   * array with a non-object element).
   */
  readonly lastError: string
  /**
   * What kind of failure `lastError` is: 'unmatched' (the text does not have the parser's shape:
   * Fluentd yields nil — in_tail's `emit_unmatched_lines`, filter_parser's "pattern not matched"
   * with `reserve_data`'s pass-through), 'invalid' (it has the shape but a value cannot be used —
   * a time that does not fit `time_format`, bytes that are not UTF-8 — Fluentd raises: in_tail
   * logs "invalid line found", filter_parser emits an error event only), or null. A parser that
   * leaves it undefined is read as 'unmatched' when `lastError` is set (`failureOf`).
   */
  readonly lastFailure?: 'unmatched' | 'invalid' | null
  /** How many parts of the last input yielded no record (each is one unmatched line / error event in Fluentd); undefined: 1 when `lastError` is set. */
  readonly lastUnmatched?: number
  /**
   * Parsers that join several lines into one record (multiline with `format_firstline`/`formatN`,
   * cri `P` partial lines, docker json-file lines split at 16 KiB) keep that state per source of
   * lines: the caller makes one stream per file (in_tail) or connection (in_tcp) and feeds it lines
   * instead of calling `parse`. Absent for line-at-a-time parsers. (msgpack's stream takes chunks
   * of a byte stream instead of lines and keeps an incomplete object for the next chunk.)
   */
  newStream?(): ParserStream
  /**
   * Optional batch form of `parse` for inputs that hold many texts of one buffer at once (in_tail's
   * lines of a read): text `i` is `bytes[ranges[2i], ranges[2i+1])`, for `i < count`. The outcome is
   * the one of calling `parse` on each text in turn — the same entries appended to `out` in the
   * same order — but in one pass (parser_json: one call into the core for all the lines).
   * `failed(i, failure)` is called for each text that did not wholly parse, with what `failureOf`
   * gives after its `parse`. Returns the records appended. `lastError` & co. are left undefined.
   * Callers go through `parseMany` below, which loops `parse` for parsers without it.
   */
  parseMany?(bytes: Uint8Array, ranges: ArrayLike<number>, count: number, out: EntrySink, now: EventTime, failed: ParseFailed): number
}

/** What did not parse of one text of a `parseMany` batch (`failureOf` of its `parse`). */
export type ParseFailed = (index: number, failure: ParseFailure) => void

/** One text's failure: its kind, how many parts failed (Fluentd: one unmatched line each), why. */
export interface ParseFailure {
  kind: 'unmatched' | 'invalid'
  count: number
  reason: string
}

/** Line-joining state for one source of lines (see `ParserPlugin.newStream`). */
export interface ParserStream {
  /**
   * Feeds one line (without its newline). Appends the records it completes to `out` and returns
   * how many; lines it cannot use (before any first line, or a joined text that does not parse) go
   * to `unmatched` with the reason, for the caller's `emit_unmatched_lines` / warning.
   */
  push(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime, unmatched: Unmatched): number
  /** Ends what is held (end of input, `multiline_flush_interval`, shutdown): appends it and returns how many records. */
  flush(out: EntrySink, now: EventTime, unmatched: Unmatched): number
  /** True while lines are held back. */
  readonly pending: boolean
}

/** Receives a line (or joined lines) a parser could not turn into a record, and why. */
export type Unmatched = (text: Uint8Array, reason: string) => void

/**
 * The failure of a parser's last `parse` that appended `appended` records, with the defaults for
 * parsers that leave the optional fields undefined (then only "nothing appended" is a failure).
 */
export function failureOf(parser: ParserPlugin, appended: number): ParseFailure | null {
  const kind = parser.lastFailure === undefined ? (appended === 0 ? 'unmatched' : null) : parser.lastFailure
  if (kind === null) return null
  return { kind, count: parser.lastUnmatched ?? 1, reason: parser.lastError || 'pattern not matched' }
}

/**
 * Parses the texts `bytes[ranges[2i], ranges[2i+1])`, `i < count`, with `parser.parseMany` when the
 * parser has it, else one `parse` per text; `failed` hears of each text that did not wholly parse.
 * Returns the records appended. (Line-joining parsers are fed through their streams instead.)
 */
export function parseMany(
  parser: ParserPlugin,
  bytes: Uint8Array,
  ranges: ArrayLike<number>,
  count: number,
  out: EntrySink,
  now: EventTime,
  failed: ParseFailed,
): number {
  if (parser.parseMany !== undefined) return parser.parseMany(bytes, ranges, count, out, now, failed)
  return parseEach(parser, bytes, ranges, count, out, now, failed)
}

/** As `parseMany`, always one `parse` per text (also a `parseMany` of its own falls back to it). */
export function parseEach(
  parser: ParserPlugin,
  bytes: Uint8Array,
  ranges: ArrayLike<number>,
  count: number,
  out: EntrySink,
  now: EventTime,
  failed: ParseFailed,
): number {
  let appended = 0
  for (let i = 0; i < count; i++) {
    const n = parser.parse(bytes, ranges[2 * i], ranges[2 * i + 1], out, now)
    appended += n
    const failure = failureOf(parser, n)
    if (failure !== null) failed(i, failure)
  }
  return appended
}
