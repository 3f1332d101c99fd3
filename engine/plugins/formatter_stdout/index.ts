/**
 * @module formatter_stdout (`<format @type stdout>`, the default of out_stdout and filter_stdout):
 * `2026-11-21 15:52:00.123456789 +0900 tag: ` then what the `output_type` formatter (json by
 * default, built from the same section) writes for the record, without its trailing newline, then
 * `\n`. The time is local time, as in Fluentd; unlike Fluentd (which ignores them here), a written
 * `utc true` or `timezone` is honoured.
 */

import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { chomp } from '../../formatter/lines.ts'
import { stringTimeFormatter, timeZoneOf } from '../../formatter/time-formatter.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { formatterStdoutDescriptor, STDOUT_TIME_FORMAT, type FormatterStdoutConfig } from '../../schemas/formatter_stdout.ts'

export const formatterStdout: PluginSpec<'formatter', FormatterStdoutConfig> = {
  ...formatterStdoutDescriptor,
  create(ctx, config, element): FormatterPlugin {
    if (config.output_type === 'stdout') throw new Error('output_type stdout would format the record with itself: use json, ltsv, hash …')
    const inner = ctx.createFormatter({ ...config, '@type': config.output_type }, element)
    const time = stringTimeFormatter(config.time_format ?? STDOUT_TIME_FORMAT, timeZoneOf(config, element))
    const encoder = new TextEncoder()
    const scratch = new ByteBuffer(1024)
    let lastTag = ''
    let tagBytes: Uint8Array = new Uint8Array(0)
    return {
      kind: 'text',
      format(tag, sec, nsec, record, start, end, out) {
        if (tag !== lastTag) {
          lastTag = tag
          tagBytes = encoder.encode(`${tag}: `)
        }
        scratch.reset()
        inner.format(tag, sec, nsec, record, start, end, scratch)
        chomp(scratch, 0)
        out.writeText(time(sec, nsec))
        out.writeByte(0x20)
        out.writeBytes(tagBytes)
        out.writeBytes(scratch.bytes, 0, scratch.length)
        out.writeByte(0x0a)
      },
    }
  },
}
