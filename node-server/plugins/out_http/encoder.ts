/**
 * @module A chunk's request body, per `<format>` (Fluentd out_http: records only, no time or tag):
 * - json, `json_array false` (the default): NDJSON, one record per line;
 * - json, `json_array true`: one JSON array of the records;
 * - msgpack: the records' msgpack bytes back to back, copied as they are.
 * The core walks the entries; records go from WASM memory into one byte buffer.
 */

import type { Core } from '../../../wasm/core.ts'
import { eachEntry } from '../../../engine/event-stream.ts'
import { ByteSink, writeJson } from './json.ts'

export type BodyFormat = 'ndjson' | 'json_array' | 'msgpack'

export function encodeBody(core: Core, tag: string, entries: Uint8Array, format: BodyFormat): Uint8Array {
  const out = new ByteSink(Math.max(1024, Math.ceil(entries.length * (format === 'msgpack' ? 1 : 1.5))))
  let first = true
  if (format === 'json_array') out.byte(0x5b)
  eachEntry(core, { tag, entries, count: 0 }, (_sec, _nsec, start, end, bytes) => {
    if (format === 'msgpack') {
      out.copy(bytes, start, end)
      return
    }
    if (format === 'json_array' && !first) out.byte(0x2c)
    first = false
    writeJson(out, bytes, start)
    if (format === 'ndjson') out.byte(0x0a)
  })
  if (format === 'json_array') out.byte(0x5d)
  return out.view()
}
