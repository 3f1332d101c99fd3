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
   * Multiline parsers (`format_firstline`): true when the line starts a new event. in_tail buffers
   * lines until the next first line (or `multiline_flush_interval`) and parses them joined with `\n`.
   */
  firstLine?(bytes: Uint8Array, start: number, end: number): boolean
}
