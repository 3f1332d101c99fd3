/**
 * @module Formatting a stream of events for an output: every entry of a chunk (walked by the core,
 * no object per event) goes through the plugin's formatter into one ByteBuffer. An event the
 * formatter refuses (a NaN in a JSON format) leaves nothing behind in the buffer and is handed back
 * with its error, so the output can send it to `@ERROR` (emit_error_event) and write the rest:
 * one bad record never costs the others (Fluentd fails the whole emit).
 */

import type { Core } from '../../wasm/core.ts'
import { emitErrorEvents } from '../error-events.ts'
import type { EventStream } from '../event-stream.ts'
import { walkEntryRanges } from '../output/entries.ts'
import type { PluginContext } from '../plugin.ts'
import { EntriesWriter } from '../records/entries-writer.ts'
import type { ByteBuffer } from './byte-buffer.ts'
import { chomp } from './lines.ts'
import type { FormatterPlugin } from './types.ts'

/** Events a formatter refused: as an entries stream (copied out of the core's memory) and the first error. */
export interface FormatFailures {
  stream: EventStream
  error: unknown
}

/**
 * Appends every event of `entries` to `out`. Returns the events that could not be formatted, or
 * null when all were. Throws when `entries` is not a valid entries stream.
 */
export function formatEntries(
  core: Core,
  formatter: FormatterPlugin,
  tag: string,
  entries: Uint8Array,
  out: ByteBuffer,
): FormatFailures | null {
  const failed = { writer: null as EntriesWriter | null, error: null as unknown }
  const ok = walkEntryRanges(core, entries, (_s, _e, sec, nsec, start, end, mem) => {
    const mark = out.length
    try {
      formatter.format(tag, sec, nsec, mem, start, end, out)
    } catch (error) {
      out.truncate(mark)
      if (failed.writer === null) {
        failed.writer = new EntriesWriter(end - start + 64)
        failed.error = error
      }
      failed.writer.appendEncoded(sec, nsec, mem, start, end)
    }
  })
  if (!ok) throw new Error(`the events of ${tag || 'a chunk'} are not a valid entries stream`)
  const writer = failed.writer
  if (writer === null) return null
  return { stream: { tag, entries: writer.bytes(), count: writer.count }, error: failed.error }
}

/** Sends refused events to `@ERROR` (or logs them), as Fluentd's emit_error_event; never throws. */
export function reportFormatFailures(ctx: PluginContext, failures: FormatFailures | null): void {
  if (failures === null) return
  emitErrorEvents(ctx, failures.stream, failures.error)
}

/**
 * out_stdout's line: what the formatter writes, chomped, then `\n` (Fluentd's
 * `@formatter.format(tag, time, record).chomp + "\n"`).
 */
export function chompedLines(formatter: FormatterPlugin, scratch: ByteBuffer): FormatterPlugin {
  return {
    kind: formatter.kind,
    format(tag, sec, nsec, record, start, end, out) {
      scratch.reset()
      formatter.format(tag, sec, nsec, record, start, end, scratch)
      chomp(scratch, 0)
      out.writeBytes(scratch.bytes, 0, scratch.length)
      out.writeByte(0x0a)
    },
  }
}
