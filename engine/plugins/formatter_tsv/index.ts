/**
 * @module formatter_tsv (`<format @type tsv>`): each of `keys`' values as Ruby's `to_s` (missing
 * and nil: empty), joined by the delimiter, nothing escaped.
 */

import { lineEnd, writeLineEnd } from '../../formatter/lines.ts'
import { writeRubyToS } from '../../formatter/ruby-text.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { findKey } from '../../records/field-scan.ts'
import { formatterTsvDescriptor, type FormatterTsvConfig } from '../../schemas/formatter_tsv.ts'

const encoder = new TextEncoder()

export const formatterTsv: PluginSpec<'formatter', FormatterTsvConfig> = {
  ...formatterTsvDescriptor,
  create(_ctx, config): FormatterPlugin {
    const keys = config.keys.map((k) => encoder.encode(String(k)))
    const delimiter = encoder.encode(config.delimiter)
    const end = lineEnd(config)
    return {
      kind: 'text',
      format(_tag, _sec, _nsec, record, start, _end, out) {
        for (let i = 0; i < keys.length; i++) {
          if (i > 0) out.writeBytes(delimiter)
          writeRubyToS(out, record, findKey(record, start, keys[i]))
        }
        writeLineEnd(out, end)
      },
    }
  },
}
