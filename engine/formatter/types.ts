/**
 * @module The formatter plugin kind (Fluentd's `<format>`): writes one event — its tag, its time and
 * its record as msgpack bytes — as the bytes an output sends or stores (a line of JSON, LTSV, CSV,
 * out_file's `time<TAB>tag<TAB>json`, msgpack …). Output is bytes, not text: a record's raw bytes
 * (bin, invalid UTF-8) are written as they are, as Fluentd 1.18 does.
 */

/** A growing byte buffer a formatter appends to (engine/formatter/byte-buffer.ts). */
export interface ByteSink {
  writeByte(b: number): void
  writeBytes(bytes: Uint8Array, start?: number, end?: number): void
  /** Appends the UTF-8 bytes of `text`. */
  writeText(text: string): void
  /** Appends `text`, whose characters are all below U+0080 (numbers, keywords): one byte each. */
  writeAscii(text: string): void
}

/** A formatter instance, built from one `<format>` section. */
export interface FormatterPlugin {
  /**
   * Appends one event to `out`: tag, time (seconds + nanoseconds) and the record at
   * `record[start, end)` (a msgpack map). Throws when the record cannot be written (a NaN for a
   * JSON formatter, as Yajl raises): the caller then undoes what was appended and handles that
   * one event as an error event; the formatter stays usable.
   */
  format(tag: string, sec: number, nsec: number, record: Uint8Array, start: number, end: number, out: ByteSink): void
  /** `binary` for formatters whose output is not text (msgpack); `text` otherwise (Fluentd's formatter_type). */
  readonly kind?: 'text' | 'binary'
}
