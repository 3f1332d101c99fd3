/**
 * @module parser_json's one reading step, kept behind a single function so the core's JSON →
 * msgpack transcoder can take its place: JSON text bytes in, records out (ordered maps, exact
 * integers, floats kept floats), or why the text is not JSON. Today it decodes the UTF-8 text and
 * reads it with engine/records/json-reader.ts (native JSON.parse for ordinary text).
 */

import { decodeUtf8, INVALID_UTF8 } from '../../parser/common.ts'
import { parseJsonRecord } from '../../records/json-reader.ts'

/** The JSON value of `bytes[start, end)` (objects as ordered Maps), or the reason it is not JSON. */
export function readJson(bytes: Uint8Array, start: number, end: number): { value: unknown } | { error: string } {
  const text = decodeUtf8(bytes, start, end)
  if (text === null) return { error: INVALID_UTF8 }
  try {
    return { value: parseJsonRecord(text) }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}
