/**
 * @module formatter_ltsv (`<format @type ltsv>`): `label:value` pairs joined by the delimiter, as
 * Fluentd writes them — each key's `to_s`, the label delimiter, the value's `to_s` with every
 * delimiter in it replaced (keys are not). Values are bytes: raw bytes pass through (Fluentd's gsub
 * raises on invalid UTF-8 and loses the event; sluice replaces the delimiter's bytes and keeps it).
 */

import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { lineEnd, writeLineEnd } from '../../formatter/lines.ts'
import { hashPairs } from '../../formatter/map-view.ts'
import { mapCount, container } from '../../formatter/msgpack-value.ts'
import { writeRubyToS } from '../../formatter/ruby-text.ts'
import type { ByteSink } from '../../formatter/types.ts'
import type { FormatterPlugin, PluginSpec } from '../../plugin.ts'
import { formatterLtsvDescriptor, type FormatterLtsvConfig } from '../../schemas/formatter_ltsv.ts'

const encoder = new TextEncoder()

/** Writes `b[start, end)` with every occurrence of `from` replaced by `to`. */
export function writeReplacing(out: ByteSink, b: Uint8Array, start: number, end: number, from: Uint8Array, to: Uint8Array): void {
  const n = from.length
  if (n === 0) {
    out.writeBytes(b, start, end)
    return
  }
  const first = from[0]
  let run = start
  for (let i = start; i <= end - n; i++) {
    if (b[i] !== first) continue
    let k = 1
    while (k < n && b[i + k] === from[k]) k++
    if (k < n) continue
    out.writeBytes(b, run, i)
    out.writeBytes(to)
    i += n - 1
    run = i + 1
  }
  out.writeBytes(b, run, end)
}

export const formatterLtsv: PluginSpec<'formatter', FormatterLtsvConfig> = {
  ...formatterLtsvDescriptor,
  create(_ctx, config): FormatterPlugin {
    const delimiter = encoder.encode(config.delimiter)
    const labelDelimiter = encoder.encode(config.label_delimiter)
    const replacement = encoder.encode(config.replacement)
    const end = lineEnd(config)
    const value = new ByteBuffer(256)
    const pairs: number[] = []
    return {
      kind: 'text',
      format(_tag, _sec, _nsec, record, start, _end, out) {
        const count = mapCount(record, start)
        if (count > 0) {
          pairs.length = 0
          hashPairs(record, container.body, count, pairs)
          for (let i = 0; i < pairs.length; i += 2) {
            if (i > 0) out.writeBytes(delimiter)
            writeRubyToS(out, record, pairs[i])
            out.writeBytes(labelDelimiter)
            value.reset()
            writeRubyToS(value, record, pairs[i + 1])
            writeReplacing(out, value.bytes, 0, value.length, delimiter, replacement)
          }
        }
        writeLineEnd(out, end)
      },
    }
  },
}
