/**
 * @module formatter_out_file (`<format @type out_file>`, out_file's default): the time, the tag and
 * the record as Yajl's JSON (out_file in Fluentd 1.18 calls `Yajl.dump` whatever `json_parser`
 * says), joined by the delimiter, then the newline. The time is ISO 8601 in the host's zone
 * (`2013-02-28T12:00:00+09:00`; `Z` only with `utc true` / `localtime false`) unless `time_format`
 * or `time_type` say otherwise. The delimiter is a space when it contains SPACE, a comma when it
 * contains COMMA (any case), and a tab for anything else, as Fluentd decides it.
 */

import { writeJson } from '../../formatter/json.ts'
import { lineEnd, writeLineEnd } from '../../formatter/lines.ts'
import { createTimeFormatter } from '../../formatter/time-formatter.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { formatterOutFileDescriptor, type FormatterOutFileConfig } from '../../schemas/formatter_out_file.ts'

/** out_file's delimiter rule (`/SPACE/i`, `/COMMA/i`, else TAB). */
export function outFileDelimiter(value: string): number {
  if (/SPACE/i.test(value)) return 0x20
  if (/COMMA/i.test(value)) return 0x2c
  return 0x09
}

export const formatterOutFile: PluginSpec<'formatter', FormatterOutFileConfig> = {
  ...formatterOutFileDescriptor,
  create(_ctx, config, element): FormatterPlugin {
    const delimiter = outFileDelimiter(config.delimiter)
    const time = config.output_time ? createTimeFormatter(config, element) : null
    const withTag = config.output_tag
    const end = lineEnd(config)
    const encoder = new TextEncoder()
    let lastTag = ''
    let tagBytes: Uint8Array = new Uint8Array(0)
    return {
      kind: 'text',
      format(tag, sec, nsec, record, start, _end, out) {
        if (time !== null) {
          out.writeAscii(time(sec, nsec))
          out.writeByte(delimiter)
        }
        if (withTag) {
          if (tag !== lastTag) {
            lastTag = tag
            tagBytes = encoder.encode(tag)
          }
          out.writeBytes(tagBytes)
          out.writeByte(delimiter)
        }
        writeJson(out, record, start, 'yajl')
        writeLineEnd(out, end)
      },
    }
  },
}
