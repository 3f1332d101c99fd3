/**
 * @module formatter_single_value (`<format @type single_value>`): `record[message_key].to_s` and
 * the newline — the value's raw bytes for strings, empty for a missing key or nil, Ruby's inspect
 * for arrays and maps.
 */

import { lineEnd, writeLineEnd } from '../../formatter/lines.ts'
import { writeRubyToS } from '../../formatter/ruby-text.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { findKey } from '../../records/field-scan.ts'
import { formatterSingleValueDescriptor, type FormatterSingleValueConfig } from '../../schemas/formatter_single_value.ts'

export const formatterSingleValue: PluginSpec<'formatter', FormatterSingleValueConfig> = {
  ...formatterSingleValueDescriptor,
  create(_ctx, config): FormatterPlugin {
    const key = new TextEncoder().encode(config.message_key)
    const end = lineEnd(config)
    return {
      kind: 'text',
      format(_tag, _sec, _nsec, record, start, _end, out) {
        writeRubyToS(out, record, findKey(record, start, key))
        writeLineEnd(out, end)
      },
    }
  },
}
