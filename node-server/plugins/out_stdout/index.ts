/**
 * @module out_stdout (`@type stdout`): one line per event in Fluentd's default format
 * `2026-11-21 06:52:00.123456789 +0000 tag: {"k":"v"}` (local time; `<format>` changes it, any
 * formatter; `<inject>` adds keys first; each formatted event is chomped and ends with `\n`).
 * Unbuffered by default (each emit is written at once; when the stream is saturated the emit
 * waits for 'drain', which is backpressure for the input); buffered when a `<buffer>` is written.
 * The stream is injectable: `createOutStdout({ stream })` (tests), process.stdout otherwise.
 */

import type { Writable } from 'node:stream'
import type { EventStream } from '../../../engine/event-stream.ts'
import { hasSection, resolveBufferConfig } from '../../../engine/output/buffer-schema.ts'
import { createBufferedOutput } from '../../../engine/output/buffered-output.ts'
import { ByteBuffer } from '../../../engine/formatter/byte-buffer.ts'
import { chompedLines, formatEntries, reportFormatFailures } from '../../../engine/formatter/format-stream.ts'
import { createInjector, withInject } from '../../../engine/inject/injector.ts'
import { createSecondary } from '../../../engine/output/secondary.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { nodeBufferServices } from '../../buffer/services.ts'
import { outStdoutDescriptor, bufferDefaults, type OutStdoutConfig } from '../../../engine/schemas/out_stdout.ts'

export interface OutStdoutOptions {
  /** Where lines go (default process.stdout, looked up when the plugin is created). */
  stream?: Writable
}

/** Writes bytes and resolves once the stream took them (callback), so a failed write rejects. */
function writeBytes(out: Writable, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => out.write(bytes, (error) => (error ? reject(error) : resolve())))
}

export function createOutStdout(options: OutStdoutOptions = {}): PluginSpec<'output', OutStdoutConfig> {
  return {
    ...outStdoutDescriptor,
    create(ctx, config, element): OutputPlugin {
      const out = options.stream ?? process.stdout
      const formatConfig =
        config.output_type !== null && config.format['@type'] === 'stdout'
          ? { ...config.format, output_type: config.output_type }
          : config.format
      const formatter = ctx.createFormatter(
        formatConfig,
        element.elements.find((e) => e.name === 'format'),
      )
      const m = ctx.metrics
      const buffered = hasSection(element, 'buffer')
      const { config: buffer, warnings } = resolveBufferConfig(config.buffer, bufferDefaults)
      const chunkKeyNames = buffered ? [...(buffer.chunkKeys.tag ? ['tag'] : []), ...buffer.chunkKeys.keys] : []
      // Fluentd's out_stdout#format: inject, format, chomp, "\n".
      const lines = chompedLines(withInject(formatter, createInjector(config.inject, ctx, chunkKeyNames)), new ByteBuffer(1024))
      const format = (tag: string, entries: Uint8Array): Uint8Array => {
        const text = new ByteBuffer(Math.max(256, entries.length * 2))
        const failures = formatEntries(ctx.core, lines, tag, entries, text)
        reportFormatFailures(ctx, failures)
        return text.view()
      }
      if (buffered) {
        for (const w of warnings) ctx.log.warn(w)
        return createBufferedOutput(ctx, {
          buffer,
          keepTag: true,
          services: nodeBufferServices(),
          secondary: createSecondary(ctx, element, buffer),
          writer: { write: (chunk) => writeBytes(out, format(chunk.tag, chunk.entries)) },
        })
      }
      let drain: Promise<void> | null = null
      return {
        emit(stream: EventStream): void | Promise<void> {
          m.emits++
          m.eventsIn += stream.count
          m.bytesIn += stream.entries.length
          const bytes = format(stream.tag, stream.entries)
          const ready = out.write(bytes)
          m.eventsOut += stream.count
          m.bytesOut += bytes.length
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
