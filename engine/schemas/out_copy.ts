/**
 * @module out_copy's config schema: `copy_mode` (and the deprecated `deep_copy`) and the `<store>`
 * sections. A store is a whole output element (its own @type, params and sections such as
 * <buffer>, <server>, <format>), checked by that output's own schema when copy creates it; here
 * it is only described loosely, to a bounded depth, so the agent's validation lets it through.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema, SectionSpec } from '../config/schema.ts'

export const COPY_MODES = ['no_copy', 'shallow', 'deep', 'marshal'] as const

/** Sections that may appear inside an output (and inside those), for the loose store schema. */
const NESTED = [
  'buffer',
  'secondary',
  'format',
  'inject',
  'extract',
  'server',
  'security',
  'user',
  'client',
  'service_discovery',
  'auth',
  'store',
  'transport',
  'parse',
  'record',
  'regexp',
  'exclude',
  'and',
  'or',
  'headers',
  'endpoint',
]

const loose: PluginSchema[] = []

/** A schema that accepts any params and the NESTED sections, `depth` levels down (shared per depth). */
function looseSchema(depth: number): PluginSchema {
  loose[depth] ??= {
    params: [],
    additionalParams: true,
    sections:
      depth === 0
        ? []
        : NESTED.map(
            (name): SectionSpec => ({
              name,
              multi: true,
              description: `<${name}> of the store's output (checked by that output).`,
              schema: looseSchema(depth - 1),
            }),
          ),
  }
  return loose[depth]
}

export const storeSection = {
  name: 'store',
  multi: true,
  required: true,
  description: 'An output that receives every event (`<store ignore_error>` / `<store ignore_if_prev_success>` change how failures count).',
  schema: {
    ...looseSchema(3),
    argument: { name: 'arg', type: 'string', default: '', description: 'ignore_error and/or ignore_if_prev_success.' },
  },
} as const satisfies SectionSpec

export const copySchema = {
  params: [
    {
      name: 'copy_mode',
      type: 'enum',
      values: COPY_MODES,
      default: 'no_copy',
      description: 'How records are copied for each store. Streams are immutable in sluice, so every mode passes the same bytes safely.',
    },
    {
      name: 'deep_copy',
      type: 'bool',
      default: false,
      description: 'Old form of copy_mode deep.',
      deprecated: "use 'copy_mode' parameter instead",
    },
  ],
  sections: [storeSection],
} as const satisfies PluginSchema

export type CopyConfig = ConfigOf<typeof copySchema>

export const outCopyDescriptor: PluginDescriptor<'output'> = {
  name: 'copy',
  kind: 'output',
  description: 'Copies every event to each <store> output, in order.',
  schema: copySchema,
  runtimes: ['node', 'workers', 'browser'],
}
