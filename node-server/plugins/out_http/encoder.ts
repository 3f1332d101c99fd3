/**
 * @module A chunk's request body, as Fluentd's out_http builds it: every record through the
 * `<format>` formatter (after `<inject>`), back to back — NDJSON with the default json formatter,
 * msgpack records with `@type msgpack`, CSV rows … With `json_array true` each formatted record is
 * followed by `,`, the last byte is cut and the whole is wrapped in `[` `]` (`[{…}\n,{…}\n]` with
 * json's newline, byte for byte Fluentd's body). The core walks the entries; records go from WASM
 * memory into one byte buffer. Records the formatter refuses are left out and handed back.
 */

import type { Core } from '../../../wasm/core.ts'
import { ByteBuffer } from '../../../engine/formatter/byte-buffer.ts'
import { formatEntries, type FormatFailures } from '../../../engine/formatter/format-stream.ts'
import type { FormatterPlugin } from '../../../engine/formatter/types.ts'

export interface Body {
  bytes: Uint8Array
  /** Records the formatter refused (not in the body). */
  failures: FormatFailures | null
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

export function encodeBody(core: Core, tag: string, entries: Uint8Array, formatter: FormatterPlugin, jsonArray: boolean): Body {
  const out = new ByteBuffer(Math.max(1024, Math.ceil(entries.length * 1.5)))
  if (!jsonArray) {
    const failures = formatEntries(core, formatter, tag, entries, out)
    return { bytes: out.view(), failures }
  }
  out.writeByte(0x5b)
  const failures = formatEntries(core, jsonArrayItems(formatter), tag, entries, out)
  if (out.length > 1) out.truncate(out.length - 1) // "[#{chunk.read.chop}]"
  out.writeByte(0x5d)
  return { bytes: out.view(), failures }
}
