/**
 * @module The schema of out_stdout (`@type stdout`): Fluentd's `use_logger` (accepted; sluice
 * always writes to the output stream), `output_type` (the old top-level form of `<format>
 * output_type`), `<format>` (default `stdout`), `<inject>`, and a `<buffer>` used only when written (chunk
 * keys tag, 10 KiB chunks, flush at shutdown — Fluentd's defaults for stdout).
 */

import type { PluginDescriptor, PluginSectionConfig } from '../plugin.ts'
import type { PluginSchema } from '../config/schema.ts'
import { bufferSection, secondarySection } from '../output/buffer-schema.ts'
import { formatSection } from './sections/format.ts'
import { injectSection, type InjectConfig } from './sections/inject.ts'

export const bufferDefaults = { chunk_keys: ['tag'], flush_at_shutdown: true, chunk_limit_size: 10 * 1024 }

export const outStdoutSchema: PluginSchema = {
  params: [
    {
      name: 'use_logger',
      type: 'bool',
      default: true,
      description: 'Fluentd writes through its logger; sluice writes to stdout either way.',
    },
    { name: 'output_type', type: 'string', default: null, description: 'Old form of <format> output_type (json).' },
  ],
  sections: [bufferSection(bufferDefaults), formatSection('stdout'), injectSection(), secondarySection],
  compat: { convert: ['inject', 'formatter'] },
}

export interface OutStdoutConfig {
  use_logger: boolean
  output_type: string | null
  buffer: Record<string, unknown>
  format: PluginSectionConfig
  inject?: InjectConfig
}

export const outStdoutDescriptor: PluginDescriptor<'output'> = {
  name: 'stdout',
  kind: 'output',
  description: 'Writes events to standard output, one line each.',
  schema: outStdoutSchema,
  runtimes: ['node'],
}
