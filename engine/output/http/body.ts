/**
 * @module The out_http request body of an entries stream, for node-server's out_http and the edge's,
 * as Fluentd's out_http builds it: every record through a formatter (`<format>`, json by default;
 * `<inject>` applied first, engine/inject), back to back — NDJSON with json's newline, msgpack
 * records with `@type msgpack`, CSV rows … With `json_array` each formatted record is followed by
 * `,`, the last byte is cut and the whole is wrapped in `[` `]`: `[{…}\n,{…}\n]`, Fluentd's
 * `"[#{chunk.read.chop}]"`. The core walks the entries; each record goes from WASM memory into one
 * byte buffer — no JS object per event. Records the formatter refuses (NaN in JSON) are left out
 * and handed back (the plugin sends them to `@ERROR` once the request succeeded).
 */

import type { Core } from '../../../wasm/core.ts'
import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { formatEntries, type FormatFailures } from '../../formatter/format-stream.ts'
import { writeJson } from '../../formatter/json.ts'
import type { FormatterPlugin } from '../../formatter/types.ts'

export interface Body {
  bytes: Uint8Array
  /** Records the formatter refused (not in the body). */
  failures: FormatFailures | null
}

/**
 * Fluentd's setup_content_type: the Content-Type of a formatter's body when `content_type` is not
 * set; throws (a config error) for a formatter it has none for.
 */
export function contentTypeOf(formatType: string, jsonArray: boolean): string {
  switch (formatType) {
    case 'json':
      return jsonArray ? 'application/json' : 'application/x-ndjson'
    case 'csv':
      return 'text/csv'
    case 'tsv':
    case 'ltsv':
      return 'text/tab-separated-values'
    case 'msgpack':
      return 'application/x-msgpack'
    case 'out_file':
    case 'single_value':
    case 'stdout':
    case 'hash':
      return 'text/plain'
  }
  throw new Error("can't determine Content-Type from formatter type. Set content_type parameter explicitly")
}

/** The json formatter's defaults (Oj's compat bytes, then `\n`): the edge's body, which has no `<format>`. */
export const JSON_LINES: FormatterPlugin = {
  kind: 'text',
  format(_tag, _sec, _nsec, record, start, _end, out) {
    writeJson(out, record, start, 'oj')
    out.writeByte(0x0a)
  },
}

/** Each formatted record followed by `,` (Fluentd's format_json_array). */
function jsonArrayItems(formatter: FormatterPlugin): FormatterPlugin {
  return {
    kind: formatter.kind,
    format(tag, sec, nsec, record, start, end, out) {
      formatter.format(tag, sec, nsec, record, start, end, out)
      out.writeByte(0x2c)
    },
  }
}

/** The request body for the events of `entries`; throws when they are not a valid entries stream. */
export function encodeBody(core: Core, tag: string, entries: Uint8Array, formatter: FormatterPlugin, jsonArray: boolean): Body {
  const out = new ByteBuffer(Math.max(1024, Math.ceil(entries.length * 1.5)))
  if (!jsonArray) return { failures: formatEntries(core, formatter, tag, entries, out), bytes: out.view() }
  out.writeByte(0x5b)
  const failures = formatEntries(core, jsonArrayItems(formatter), tag, entries, out)
  if (out.length > 1) out.truncate(out.length - 1) // "[#{chunk.read.chop}]"
  out.writeByte(0x5d)
  return { bytes: out.view(), failures }
}
