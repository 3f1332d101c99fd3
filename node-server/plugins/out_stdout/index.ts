/**
 * @module out_stdout (`@type stdout`): one line per event in Fluentd's default format
 * `2026-11-21 06:52:00.123456789 +0000 tag: {"k":"v"}` (local time; `<format>` changes it).
 * Unbuffered by default (each emit is written at once; when the stream is saturated the emit
 * waits for 'drain', which is backpressure for the input); buffered when a `<buffer>` is written.
 * The stream is injectable: `createOutStdout({ stream })` (tests), process.stdout otherwise.
 */

import type { Writable } from 'node:stream'
import type { EventStream } from '../../../engine/event-stream.ts'
import { hasSection, resolveBufferConfig } from '../../../engine/output/buffer-schema.ts'
import { createBufferedOutput } from '../../../engine/output/buffered-output.ts'
import { createFormatter, formatEntries } from '../../../engine/output/formatters.ts'
import { createSecondary } from '../../../engine/output/secondary.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { nodeBufferServices } from '../../buffer/services.ts'
import { outStdoutDescriptor, bufferDefaults, type OutStdoutConfig } from '../../../engine/schemas/out_stdout.ts'

export interface OutStdoutOptions {
  /** Where lines go (default process.stdout, looked up when the plugin is created). */
  stream?: Writable
}

/** Writes text and resolves once the stream took it (callback), so a failed write rejects. */
function writeText(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())))
}

export function createOutStdout(options: OutStdoutOptions = {}): PluginSpec<'output', OutStdoutConfig> {
  return {
    ...outStdoutDescriptor,
    create(ctx, config, element): OutputPlugin {
      const out = options.stream ?? process.stdout
      const format = createFormatter(config.output_type !== null ? { ...config.format, output_type: config.output_type } : config.format)
      const m = ctx.metrics
      if (hasSection(element, 'buffer')) {
        const { config: buffer, warnings } = resolveBufferConfig(config.buffer, bufferDefaults)
        for (const w of warnings) ctx.log.warn(w)
        return createBufferedOutput(ctx, {
          buffer,
          keepTag: true,
          services: nodeBufferServices(),
          secondary: createSecondary(ctx, element, buffer),
          writer: { write: (chunk) => writeText(out, formatEntries(ctx.core, format, chunk.tag, chunk.entries)) },
        })
      }
      let drain: Promise<void> | null = null
      return {
        emit(stream: EventStream): void | Promise<void> {
          m.emits++
          m.eventsIn += stream.count
          m.bytesIn += stream.entries.length
          const text = formatEntries(ctx.core, format, stream.tag, stream.entries)
          const ready = out.write(text)
          m.eventsOut += stream.count
          m.bytesOut += text.length
          if (ready) return
          drain ??= new Promise<void>((resolve) =>
            out.once('drain', () => {
              drain = null
              resolve()
            }),
          )
          return drain
        },
        status: () => ({ emit_records: m.eventsIn, emit_count: m.emits, write_count: 0, rollback_count: 0, retry_count: 0 }),
      }
    },
  }
}

export const outStdout = createOutStdout()
