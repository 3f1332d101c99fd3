/**
 * @module filter_stdout (`<filter> @type stdout`): formats every event (`<format>`, the stdout
 * formatter by default: `2026-11-21 15:52:00.123456789 +0900 tag: {"k":"v"}`; `<inject>` first) and
 * passes the stream on unchanged. Fluentd writes the lines to its own log stream; sluice writes
 * them to the process's standard output on Node (the runtime's `services.stdout`) and, where there
 * is none (Workers, the designer), one info line per event to the plugin's logger. An event the
 * formatter refuses becomes an error event and still passes on, as in Fluentd.
 */

import { ByteBuffer } from '../../formatter/byte-buffer.ts'
import { formatEntries, reportFormatFailures } from '../../formatter/format-stream.ts'
import type { FormatterPlugin } from '../../formatter/types.ts'
import { createInjector, withInject } from '../../inject/injector.ts'
import type { EventStream } from '../../event-stream.ts'
import type { FilterPlugin, PluginSpec } from '../../plugin.ts'
import { filterStdoutDescriptor, type FilterStdoutConfig } from '../../schemas/filter_stdout.ts'

// ignoreBOM: a leading U+FEFF is text here, kept as Ruby keeps it.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/** Remembers where each event's bytes end (to log one line per event). */
function marking(formatter: FormatterPlugin, ends: number[]): FormatterPlugin {
  return {
    kind: formatter.kind,
    format(tag, sec, nsec, record, start, end, out) {
      formatter.format(tag, sec, nsec, record, start, end, out)
      ends.push((out as ByteBuffer).length)
    },
  }
}

export const filterStdout: PluginSpec<'filter', FilterStdoutConfig> = {
  ...filterStdoutDescriptor,
  create(ctx, config, element): FilterPlugin {
    const formatter = withInject(
      ctx.createFormatter(
        config.format,
        element.elements.find((e) => e.name === 'format'),
      ),
      createInjector(config.inject, ctx),
    )
    const stdout = ctx.services?.stdout
    const out = new ByteBuffer(4096)
    const ends: number[] = []
    const toLog = marking(formatter, ends)
    const m = ctx.metrics
    return {
      filter(stream: EventStream): EventStream {
        m.eventsIn += stream.count
        m.bytesIn += stream.entries.length
        out.reset()
        ends.length = 0
        const failures = formatEntries(ctx.core, stdout ? formatter : toLog, stream.tag, stream.entries, out)
        if (stdout) {
          if (out.length > 0) stdout(out.take())
        } else {
          let from = 0
          for (const end of ends) {
            const line = decoder.decode(out.bytes.subarray(from, end)).replace(/\r?\n$/, '')
            ctx.log.info(line)
            from = end
          }
        }
        reportFormatFailures(ctx, failures)
        m.eventsOut += stream.count
        m.bytesOut += stream.entries.length
        return stream
      },
    }
  },
}
