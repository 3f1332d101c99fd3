/**
 * @module formatter_json (`<format @type json>`): each record as JSON, then the newline. The bytes
 * are Oj's in compat mode with `json_parser oj` (Fluentd's default, and what fluent-package and the
 * Fluentd images run), Yajl's otherwise (engine/formatter/json.ts has the differences).
 */

import { writeJson } from '../../formatter/json.ts'
import { lineEnd, writeLineEnd } from '../../formatter/lines.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { formatterJsonDescriptor, type FormatterJsonConfig } from '../../schemas/formatter_json.ts'

export const formatterJson: PluginSpec<'formatter', FormatterJsonConfig> = {
  ...formatterJsonDescriptor,
  create(_ctx, config): FormatterPlugin {
    const library = config.json_parser === 'oj' ? 'oj' : 'yajl'
    const end = lineEnd(config)
    return {
      kind: 'text',
      format(_tag, _sec, _nsec, record, start, _end, out) {
        writeJson(out, record, start, library)
        writeLineEnd(out, end)
      },
    }
  },
}
