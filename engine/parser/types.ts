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
}

/** A parser instance, built from one `<parse>` section. */
export interface ParserPlugin {
  /**
   * Parses `bytes[start, end)` and appends one entry to `out` for every record it yields (Fluentd's
   * `parse(text) { |time, record| … }`; a JSON array or a msgpack stream yields several). `now` is
   * the time of records without one (`estimate_current_event`). Returns how many records were
   * appended; 0 means "pattern not matched", and `lastError` says why. Never throws on bad input.
   */
  parse(bytes: Uint8Array, start: number, end: number, out: EntrySink, now: EventTime): number
  /** Why the last `parse` that returned 0 did not match (`pattern not matched`, the JSON error …). */
  readonly lastError: string
  /**
   * Parsers that join several lines into one record (multiline with `format_firstline`/`formatN`,
   * cri `P` partial lines, docker json-file lines split at 16 KiB) keep that state per source of
   * lines: the caller makes one stream per file (in_tail) or connection (in_tcp) and feeds it lines
   * instead of calling `parse`. Absent for line-at-a-time parsers.
   */
  newStream?(): ParserStream
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
