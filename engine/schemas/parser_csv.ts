/**
 * @module parser_csv's descriptor (`@type csv`): values zipped with `keys`, quoting as Ruby's CSV reads it.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserCsvSchema: PluginSchema = {
  params: [
    ...parseParams(),
    {
      name: 'keys',
      type: 'string',
      multi: true,
      required: true,
      description: 'The field names, in column order (a,b,c or ["a","b","c"]).',
    },
    { name: 'delimiter', type: 'string', default: ',', description: 'Between columns (one or more characters).' },
    {
      name: 'parser_engine',
      type: 'enum',
      values: ['normal', 'fast'],
      default: 'normal',
      alias: 'parser_type',
      description: "normal: Ruby CSV's rules (bad quoting is an error); fast: Fluentd's quick splitter (no error, may give odd fields).",
    },
  ],
}

export interface ParserCsvConfig extends CommonParseConfig {
  keys: string[]
  delimiter: string
  parser_engine: 'normal' | 'fast'
}

export const parserCsvDescriptor: PluginDescriptor<'parser'> = {
  name: 'csv',
  kind: 'parser',
  description: 'Parses CSV lines into the fields named by keys (extra columns dropped, missing ones null).',
  schema: parserCsvSchema,
  runtimes: ['node', 'workers', 'browser'],
}
