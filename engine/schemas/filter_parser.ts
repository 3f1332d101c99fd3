/**
 * @module filter_parser's descriptor (`@type parser`): parses one field of each record with the
 * parser of its `<parse>` section, and builds the event from the result.
 */

import type { PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor, PluginSectionConfig } from '../plugin.ts'

export const filterParserSchema: PluginSchema = {
  params: [
    { name: 'key_name', type: 'string', required: true, description: 'The field to parse (record_accessor syntax such as $.a.b works).' },
    { name: 'reserve_data', type: 'bool', default: false, description: 'Keep the original fields, with the parsed ones merged over them.' },
    {
      name: 'reserve_time',
      type: 'bool',
      default: false,
      description: "Keep the event's time (otherwise the parsed time, which is now when the text has none).",
    },
    {
      name: 'remove_key_name_field',
      type: 'bool',
      default: false,
      description: 'Remove key_name from the record when parsing succeeded (with reserve_data).',
    },
    {
      name: 'replace_invalid_sequence',
      type: 'bool',
      default: false,
      description: "Replace bytes that are not UTF-8 with '?' and parse again.",
    },
    { name: 'inject_key_prefix', type: 'string', default: null, description: 'Prefix the parsed keys with this.' },
    {
      name: 'hash_value_field',
      type: 'string',
      default: null,
      description: 'Put the parsed fields under this key instead of at the top level.',
    },
    {
      name: 'emit_invalid_record_to_error',
      type: 'bool',
      default: true,
      description: 'Send records that cannot be parsed (key missing, pattern not matched, parse error) to @ERROR (or log them).',
    },
  ],
  sections: [
    {
      name: 'parse',
      description: 'The parser of the field.',
      required: true,
      plugin: { kind: 'parser', defaultType: null },
      schema: { params: [] },
    },
  ],
  // v0.12's flat form (`format json`, `time_format …`, `keys …`) becomes a <parse> section, as
  // Fluentd's compat_parameters_convert(conf, :parser) does.
  compat: { convert: ['parser'] },
}

export interface FilterParserConfig {
  key_name: string
  reserve_data: boolean
  reserve_time: boolean
  remove_key_name_field: boolean
  replace_invalid_sequence: boolean
  inject_key_prefix: string | null
  hash_value_field: string | null
  emit_invalid_record_to_error: boolean
  parse: PluginSectionConfig
}

export const filterParserDescriptor: PluginDescriptor<'filter'> = {
  name: 'parser',
  kind: 'filter',
  description: 'Parses a field of each record (JSON, regexp, syslog …) and replaces the record with the result (or merges it in).',
  schema: filterParserSchema,
  runtimes: ['node', 'workers', 'browser'],
}
