/**
 * @module in_sample's config schema (Fluentd v1.18 in_sample, also registered as `dummy`): sample
 * records emitted at a steady rate.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const inSampleSchema = {
  params: [
    { name: 'tag', type: 'string', required: true, description: 'The tag of the events.' },
    { name: 'size', type: 'integer', default: 1, description: 'Events per emit (above 1: each emit is a stream of this many).' },
    { name: 'rate', type: 'integer', default: 1, description: 'Emits per second, spread over 10 slots of 0.1 s.' },
    {
      name: 'auto_increment_key',
      type: 'string',
      default: null,
      description: 'Add a counter (0, 1, 2 … from each start) to every record under this key.',
    },
    {
      name: 'suspend',
      type: 'bool',
      default: false,
      description: 'Ignored (Fluentd ignores it too).',
      deprecated: 'This parameter is ignored',
    },
    {
      name: 'reuse_record',
      type: 'bool',
      default: false,
      description: 'Accepted; sluice always reuses the encoded sample records (records are immutable bytes).',
    },
    {
      name: 'sample',
      alias: 'dummy',
      type: 'string',
      default: '[{"message":"sample"}]',
      description: 'A JSON object, or an array of objects used in turn.',
    },
  ],
} as const satisfies PluginSchema

export type InSampleConfig = ConfigOf<typeof inSampleSchema>

export const inSampleDescriptor: PluginDescriptor<'input'> = {
  name: 'sample',
  kind: 'input',
  description: 'Emits sample records at a steady rate (for testing routes and outputs).',
  schema: inSampleSchema,
  runtimes: ['node'],
  aliases: ['dummy'],
}
