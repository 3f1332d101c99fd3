/**
 * @module The schema of out_null (`@type null`): Fluentd's `never_flush`, and a `<buffer>`
 * (chunk keys tag, 10 KiB chunks, flush at shutdown — Fluentd's defaults for null) that is used only
 * when written.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { PluginSchema } from '../config/schema.ts'
import { bufferSection, secondarySection } from '../output/buffer-schema.ts'

export const bufferDefaults = { chunk_keys: ['tag'], flush_at_shutdown: true, chunk_limit_size: 10 * 1024 }

export const outNullSchema: PluginSchema = {
  params: [
    { name: 'never_flush', type: 'bool', default: false, description: 'Fail every emit / flush (to test retries and error paths).' },
  ],
  sections: [bufferSection(bufferDefaults), secondarySection],
}

export interface OutNullConfig {
  never_flush: boolean
  buffer: Record<string, unknown>
}

export const outNullDescriptor: PluginDescriptor<'output'> = {
  name: 'null',
  kind: 'output',
  description: 'Drops every event (counts them).',
  schema: outNullSchema,
  runtimes: ['node', 'workers', 'browser'],
}
