/**
 * @module formatter_csv (`<format @type csv>`): the `fields` of each record as one row, as Ruby's
 * CSV writer (csv 3.2) writes it: with `force_quotes` (the default) every value is quoted (`""`
 * for nil and missing), `"` doubled; without, a value is quoted only when it is empty or contains
 * `"`, CR, LF or a character of the delimiter, nil is empty, and a string that is not valid UTF-8
 * is never quoted (Ruby skips its check). Fields may be record_accessor paths (`$.a.b`).
 * Where Ruby raises (a row mixing non-ASCII UTF-8 with non-ASCII bin bytes: incompatible
 * encodings), sluice writes the bytes.
 */

import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { readString, str } from '../../formatter/msgpack-value.ts'
import { writeRubyToS } from '../../formatter/ruby-text.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { encodePath, findPath } from '../../records/field-scan.ts'
import { parseRecordAccessor } from '../../records/record-accessor.ts'
import { formatterCsvDescriptor, type FormatterCsvConfig } from '../../schemas/formatter_csv.ts'

const encoder = new TextEncoder()

/** Is `b[start, end)` valid UTF-8? */
export function validUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = start
  while (i < end) {
    const c = b[i]
    if (c < 0x80) {
      i++
      continue
    }
    let n: number
    let min: number
    let cp: number
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2
      min = 0x80
      cp = c & 0x1f
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3
      min = 0x800
      cp = c & 0x0f
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4
      min = 0x10000
      cp = c & 0x07
    } else return false
    if (i + n > end) return false
    for (let k = 1; k < n; k++) {
      const d = b[i + k]
      if ((d & 0xc0) !== 0x80) return false
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false
    i += n
  }
  return true
}

export const formatterCsv: PluginSpec<'formatter', FormatterCsvConfig> = {
  ...formatterCsvDescriptor,
  create(_ctx, config): FormatterPlugin {
    const fields = config.fields.map(String).filter((f) => f !== '')
    if (fields.length === 0) throw new Error('empty value is specified in fields parameter')
    const paths = fields.map((f) => encodePath(parseRecordAccessor(f).path))
    const delimiterText = config.delimiter === '\\t' || config.delimiter === 'TAB' ? '\t' : config.delimiter
    const delimiter = encoder.encode(delimiterText)
    // Ruby's quotable pattern: CR, LF, the quote, and every character of the delimiter.
    const quotable = new Set<number>([0x0d, 0x0a, 0x22, ...delimiter])
    const forceQuotes = config.force_quotes
    const newline = config.add_newline
    const text = new ByteBuffer(256)
    return {
      kind: 'text',
      format(_tag, _sec, _nsec, record, start, _end, out) {
        for (let i = 0; i < paths.length; i++) {
          if (i > 0) out.writeBytes(delimiter)
          const at = findPath(record, start, paths[i])
          const isNil = at < 0 || record[at] === 0xc0
          if (isNil) {
            if (forceQuotes) out.writeAscii('""')
            continue
          }
          text.reset()
          writeRubyToS(text, record, at)
          const bytes = text.bytes
          const n = text.length
          let quote = forceQuotes || n === 0
          if (!quote) {
            const valid = !readString(record, at) || str.bin || validUtf8(bytes, 0, n)
            if (valid) {
              for (let k = 0; k < n; k++) {
                if (quotable.has(bytes[k])) {
                  quote = true
                  break
                }
              }
            }
          }
          if (!quote) {
            out.writeBytes(bytes, 0, n)
            continue
          }
          out.writeByte(0x22)
          let run = 0
          for (let k = 0; k < n; k++) {
            if (bytes[k] !== 0x22) continue
            out.writeBytes(bytes, run, k + 1)
            out.writeByte(0x22)
            run = k + 1
          }
          out.writeBytes(bytes, run, n)
          out.writeByte(0x22)
        }
        if (newline) out.writeByte(0x0a)
      },
    }
  },
}
