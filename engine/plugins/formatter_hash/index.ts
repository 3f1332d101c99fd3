/**
 * @module formatter_hash (`<format @type hash>`): `record.to_s` — Ruby's Hash#inspect — and the
 * newline, as Ruby 3.2 (fluent-package 5.2, Fluentd 1.18) prints it: `{"a"=>1, "b"=>nil}`.
 */

import { lineEnd, writeLineEnd } from '../../formatter/lines.ts'
import { writeRubyInspect } from '../../formatter/ruby-text.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { formatterHashDescriptor, type FormatterHashConfig } from '../../schemas/formatter_hash.ts'

export const formatterHash: PluginSpec<'formatter', FormatterHashConfig> = {
  ...formatterHashDescriptor,
  create(_ctx, config): FormatterPlugin {
    const end = lineEnd(config)
    return {
      kind: 'text',
      format(_tag, _sec, _nsec, record, start, _end, out) {
        writeRubyInspect(out, record, start)
        writeLineEnd(out, end)
      },
    }
  },
}
