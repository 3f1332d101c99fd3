/**
 * @module The value of a record's time field, read from its JSON text for the host's time parsers
 * (the core reports where the value is and its kind, and converts numbers itself): a string as a
 * JS string (quotes and escapes resolved; plain ASCII without building a decoder string), anything
 * else with the lossless reader, so numbers, null, arrays and objects reach Fluentd's time parsers
 * and their error messages exactly as the JavaScript reader used to give them.
 */

import * as abi from '../../../wasm/abi.ts'
import { parseJsonRecord } from '../../records/json-reader.ts'

const utf8 = new TextDecoder()

/** The JSON value written at `b[start, end)`, of the core's time kind `kind` (abi.TIME_KIND_*). */
export function timeValueAt(b: Uint8Array, start: number, end: number, kind: number): unknown {
  if (kind === abi.TIME_KIND_STRING) return stringAt(b, start, end)
  return parseJsonRecord(utf8.decode(b.subarray(start, end)))
}

/** A JSON string's value from its text (with the quotes). */
function stringAt(b: Uint8Array, start: number, end: number): string {
  // fromCharCode.apply takes one argument per byte: only for short text (times are short).
  let plain = end - start <= 258
  for (let i = start + 1; plain && i < end - 1; i++) {
    const c = b[i]
    if (c >= 0x80 || c === 0x5c) plain = false
  }
  if (plain) return String.fromCharCode.apply(null, b.subarray(start + 1, end - 1) as unknown as number[])
  return JSON.parse(utf8.decode(b.subarray(start, end))) as string
}
