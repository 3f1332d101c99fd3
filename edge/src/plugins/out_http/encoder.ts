/**
 * @module A request body from an entries stream, without a JS object per event: the core walks
 * the entries, `<inject>` sets its keys on the record's msgpack bytes (engine/inject), and the record
 * goes to JSON bytes with the one writer of engine/formatter (Oj's compat bytes, as Fluentd's
 * out_http json formatter writes them: 64-bit integers exact, raw bytes kept). NDJSON (one record
 * per line) or one JSON array. Records JSON cannot hold (NaN) are left out and handed back.
 */

import type { Core } from '../../../../wasm/core.ts'
import { ByteBuffer } from '../../../../engine/formatter/byte-buffer.ts'
import { formatEntries, type FormatFailures } from '../../../../engine/formatter/format-stream.ts'
import { writeJson } from '../../../../engine/formatter/json.ts'
import type { FormatterPlugin } from '../../../../engine/formatter/types.ts'
import { type Injector, withInject } from '../../../../engine/inject/injector.ts'

const record: FormatterPlugin = {
  format(_tag, _sec, _nsec, b, start, _end, out) {
    writeJson(out, b, start, 'oj')
  },
}

/** The body's formatter: each record as JSON then `\n` (NDJSON) or `,` (array items). */
export function bodyFormatter(injector: Injector | null, jsonArray: boolean): FormatterPlugin {
  const json = withInject(record, injector)
  const separator = jsonArray ? 0x2c : 0x0a
  return {
    format(tag, sec, nsec, b, start, end, out) {
      json.format(tag, sec, nsec, b, start, end, out)
      out.writeByte(separator)
    },
  }
}

export function encodeBody(
  core: Core,
  tag: string,
  entries: Uint8Array,
  formatter: FormatterPlugin,
  jsonArray: boolean,
): { bytes: Uint8Array; failures: FormatFailures | null } {
  const out = new ByteBuffer(Math.max(1024, Math.ceil(entries.length * 1.5)))
  if (jsonArray) out.writeByte(0x5b)
  const failures = formatEntries(core, formatter, tag, entries, out)
  if (jsonArray) {
    if (out.length > 1) out.truncate(out.length - 1)
    out.writeByte(0x5d)
  }
  return { bytes: out.view(), failures }
}
