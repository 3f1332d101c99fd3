/**
 * @module Line endings of text formatters: Fluentd's `newline lf|crlf` + `add_newline`, and Ruby's
 * `String#chomp` on formatted bytes (out_stdout and the stdout formatter cut one trailing line end).
 */

import type { ByteBuffer } from './byte-buffer.ts'
import type { ByteSink } from './types.ts'

const LF = new Uint8Array([0x0a])
const CRLF = new Uint8Array([0x0d, 0x0a])
const NONE = new Uint8Array(0)

/** The bytes ending each event: `newline` when `add_newline` (default true), else nothing. */
export function lineEnd(c: { newline?: string; add_newline?: boolean }): Uint8Array {
  if (c.add_newline === false) return NONE
  return c.newline === 'crlf' ? CRLF : LF
}

/** Writes `end` (a line end from lineEnd). */
export function writeLineEnd(out: ByteSink, end: Uint8Array): void {
  if (end.length === 1) out.writeByte(end[0])
  else if (end.length > 0) out.writeBytes(end)
}

/** Ruby's chomp on what was written since `from`: drops one trailing `\r\n`, `\n` or `\r`. */
export function chomp(buf: ByteBuffer, from: number): void {
  const n = buf.length
  if (n <= from) return
  const last = buf.bytes[n - 1]
  if (last === 0x0a) buf.truncate(n >= from + 2 && buf.bytes[n - 2] === 0x0d ? n - 2 : n - 1)
  else if (last === 0x0d) buf.truncate(n - 1)
}
