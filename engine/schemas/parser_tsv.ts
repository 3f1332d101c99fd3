/**
 * @module parser_tsv's descriptor (`@type tsv`): values split at the delimiter and zipped with `keys`.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserTsvSchema: PluginSchema = {
  params: [
    ...parseParams(),
    { name: 'keys', type: 'string', multi: true, required: true, description: 'The field names, in column order.' },
    { name: 'delimiter', type: 'string', default: '\t', description: 'Between columns; the last key takes the rest of the line.' },
  ],
}

export interface ParserTsvConfig extends CommonParseConfig {
  keys: string[]
  delimiter: string
}

export const parserTsvDescriptor: PluginDescriptor<'parser'> = {
  name: 'tsv',
  kind: 'parser',
  description: 'Parses delimiter-separated values (tab by default) into the fields named by keys.',
  schema: parserTsvSchema,
  runtimes: ['node', 'workers', 'browser'],
}
