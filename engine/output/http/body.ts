/**
 * @module The out_http request body of an entries stream (Fluentd out_http: records only, no time
 * or tag), for node-server's out_http and the edge's:
 * - `ndjson` (json, the default): one record per line, each line ending in `\n`;
 * - `json_array` (json with `json_array true`): one JSON array of the records;
 * - `msgpack`: the records' msgpack bytes back to back, copied as they are.
 * `<inject>` (the edge) adds the tag and the time to each JSON record, after its own fields (so
 * they win over a field of the same name). The core walks the entries; each record goes from WASM
 * memory into one growing byte buffer — no JS object per event. JSON text comes from a record
 * writer: by default the engine's msgpack → JSON (engine/output/msgpack-json.ts); node-server
 * passes its byte writer (Ruby's to_json forms) until both writers are one.
 */

import type { Core } from '../../../wasm/core.ts'
import { ByteSink } from '../byte-sink.ts'
import { walkEntryRanges } from '../entries.ts'
import { msgpackToJson } from '../msgpack-json.ts'

export type BodyFormat = 'ndjson' | 'json_array' | 'msgpack'

/** `<inject>`: the keys the tag and the time are added under (null: not added), and the time's form. */
export interface InjectOptions {
  tagKey: string | null
  timeKey: string | null
  timeType: 'float' | 'unixtime' | 'string'
}

export interface BodyOptions {
  format: BodyFormat
  inject: InjectOptions | null
}

/** Appends the JSON text of the msgpack record at `bytes[start..end)` to `out`. */
export type RecordJsonWriter = (out: ByteSink, bytes: Uint8Array, start: number, end: number) => void

/** The engine's msgpack → JSON writer (engine/output/msgpack-json.ts). */
export const engineRecordJson: RecordJsonWriter = (out, bytes, start, end) => out.utf8(msgpackToJson(bytes, start, end))

/** The Content-Type a body format is sent with when `content_type` is not set. */
export function defaultContentType(format: BodyFormat): string {
  return format === 'msgpack' ? 'application/x-msgpack' : format === 'json_array' ? 'application/json' : 'application/x-ndjson'
}

/** The request body for the events of `entries`; throws when they are not a valid entries stream. */
export function encodeBody(
  core: Core,
  tag: string,
  entries: Uint8Array,
  options: BodyOptions,
  recordJson: RecordJsonWriter = engineRecordJson,
): Uint8Array {
  const { format, inject } = options
  const out = new ByteSink(Math.max(1024, Math.ceil(entries.length * (format === 'msgpack' ? 1 : 1.5))))
  const tagField = inject?.tagKey ? `${JSON.stringify(inject.tagKey)}:${JSON.stringify(tag)}` : ''
  let first = true
  if (format === 'json_array') out.byte(0x5b)
  const ok = walkEntryRanges(core, entries, (_start, _end, sec, nsec, recordStart, recordEnd, mem) => {
    if (format === 'msgpack') {
      out.copy(mem, recordStart, recordEnd)
      return
    }
    if (format === 'json_array' && !first) out.byte(0x2c)
    first = false
    const at = out.length
    recordJson(out, mem, recordStart, recordEnd)
    if (inject !== null) injectFields(out, at, tagField, inject, sec, nsec)
    if (format === 'ndjson') out.byte(0x0a)
  })
  if (!ok) throw new Error(`the events of ${tag} are not a valid entries stream`)
  if (format === 'json_array') out.byte(0x5d)
  return out.view()
}

/** Puts the injected fields before the closing `}` of the JSON object written from `at`. */
function injectFields(out: ByteSink, at: number, tagField: string, inject: InjectOptions, sec: number, nsec: number): void {
  const timeField = inject.timeKey ? `${JSON.stringify(inject.timeKey)}:${timeText(sec, nsec, inject.timeType)}` : ''
  const fields = tagField !== '' && timeField !== '' ? `${tagField},${timeField}` : tagField || timeField
  if (fields === '') return
  out.length-- // the object's `}`
  if (out.length - at > 1) out.byte(0x2c) // after the record's own fields
  out.utf8(fields)
  out.byte(0x7d)
}

function timeText(sec: number, nsec: number, type: InjectOptions['timeType']): string {
  if (type === 'unixtime') return String(sec)
  if (type === 'float') return `${sec}.${String(nsec).padStart(9, '0')}`
  return JSON.stringify(new Date(sec * 1000 + Math.floor(nsec / 1_000_000)).toISOString())
}
