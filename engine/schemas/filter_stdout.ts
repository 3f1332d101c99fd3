/**
 * @module filter_stdout (`<filter> @type stdout`): prints every event as it passes (the stdout
 * formatter by default, `<inject>` first) and passes the stream on unchanged — Fluentd's debugging
 * filter.
 */

import type { PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor, PluginSectionConfig } from '../plugin.ts'
import { formatSection } from './sections/format.ts'
import { injectSection, type InjectConfig } from './sections/inject.ts'

export const filterStdoutSchema = {
  params: [],
  sections: [formatSection('stdout', 'How each event is printed (default: time, tag and JSON).'), injectSection()],
} as const satisfies PluginSchema

export interface FilterStdoutConfig {
  format: PluginSectionConfig
  inject?: InjectConfig
}

export const filterStdoutDescriptor: PluginDescriptor<'filter'> = {
  name: 'stdout',
  kind: 'filter',
  description: 'Prints each event (time, tag, JSON) and passes it on unchanged.',
  schema: filterStdoutSchema,
  runtimes: ['node', 'workers', 'browser'],
}
