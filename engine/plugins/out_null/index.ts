/**
 * @module out_null (`@type null`): counts events and drops them — the counting sink of the relay
 * benchmarks, so the unbuffered path does no per-event work (one emit = a few counter updates).
 * With a written `<buffer>` it is a buffered output whose chunks are thrown away on flush, as in
 * Fluentd; `never_flush true` makes every emit (or flush) fail.
 */

import type { EventStream } from '../../event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../plugin.ts'
import { hasSection, resolveBufferConfig } from '../../output/buffer-schema.ts'
import { createBufferedOutput } from '../../output/buffered-output.ts'
import { createSecondary } from '../../output/secondary.ts'
import { outNullDescriptor, bufferDefaults, type OutNullConfig } from '../../schemas/out_null.ts'

export const outNull: PluginSpec<'output', OutNullConfig> = {
  ...outNullDescriptor,
  create(ctx, config, element): OutputPlugin {
    const m = ctx.metrics
    if (hasSection(element, 'buffer')) {
      const { config: buffer, warnings } = resolveBufferConfig(config.buffer, bufferDefaults)
      for (const w of warnings) ctx.log.warn(w)
      return createBufferedOutput(ctx, {
        buffer,
        secondary: createSecondary(ctx, element, buffer),
        writer: {
          write: async () => {
            if (config.never_flush) throw new Error('failed to flush')
          },
        },
      })
    }
    return {
      // Reads only counts and lengths during emit: inputs may lend it bytes they reuse.
      borrows: true,
      emit(stream: EventStream): void {
        m.emits++
        m.eventsIn += stream.count
        m.bytesIn += stream.entries.length
        if (config.never_flush) {
          m.errors++
          throw new Error('failed to flush')
        }
        m.eventsOut += stream.count
        m.bytesOut += stream.entries.length
      },
      status: () => ({ emit_records: m.eventsIn, emit_count: m.emits, write_count: 0, rollback_count: 0, retry_count: 0 }),
    }
  },
}
