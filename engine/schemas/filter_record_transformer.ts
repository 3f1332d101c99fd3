/**
 * @module filter_record_transformer's config schema: Fluentd's params (remove_keys, keep_keys,
 * renew_record, renew_time_key, enable_ruby, auto_typecast) and the free-form `<record>` section.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'

export const recordTransformerSchema = {
  params: [
    {
      name: 'remove_keys',
      type: 'array',
      default: null,
      description: 'Keys to delete (record_accessor syntax such as $.a.b works), after <record> is applied.',
    },
    { name: 'keep_keys', type: 'array', default: null, description: 'Keys of the incoming record to keep when renew_record is true.' },
    { name: 'renew_record', type: 'bool', default: false, description: 'Build a new record instead of adding to the incoming one.' },
    {
      name: 'renew_time_key',
      type: 'string',
      default: null,
      description: 'A field (of the new record) whose value, as unix seconds, becomes the event time.',
    },
    {
      name: 'enable_ruby',
      type: 'bool',
      default: false,
      description:
        'Each ${...} is a Ruby expression: sluice evaluates its Ruby subset (record["a"]["b"], record.dig, tag_parts[-1], time.strftime, gsub, split, ?:, || …; docs/ruby-subset.md); anything else is a config error.',
    },
    {
      name: 'auto_typecast',
      type: 'bool',
      default: true,
      description: "A value that is exactly one placeholder keeps the referenced value's type (else everything is a string).",
    },
  ],
  sections: [
    {
      name: 'record',
      multi: true,
      description:
        'Fields to add: `key value`; values may use ${tag}, ${tag_parts[N]}, ${tag_prefix[N]}, ${tag_suffix[N]}, ${hostname}, ${time}, ${record["key"]}; a value starting with { or [ is JSON.',
      schema: { params: [], additionalParams: true },
    },
  ],
} as const satisfies PluginSchema

export type RecordTransformerConfig = Omit<ConfigOf<typeof recordTransformerSchema>, 'record'> & {
  record: Record<string, string>[]
}

export const filterRecordTransformerDescriptor: PluginDescriptor<'filter'> = {
  name: 'record_transformer',
  kind: 'filter',
  description: 'Adds, rewrites and removes record fields using ${tag}, ${time}, ${record["key"]} and other placeholders.',
  schema: recordTransformerSchema,
  runtimes: ['node', 'workers', 'browser'],
}
