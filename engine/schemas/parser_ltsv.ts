/**
 * @module parser_ltsv's descriptor (`@type ltsv`): labeled tab-separated values.
 */

import type { PluginSchema } from '../config/schema.ts'
import type { RegexpValue } from '../config/types.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserLtsvSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time' }),
    { name: 'delimiter', type: 'string', default: '\t', description: 'Between pairs.' },
    {
      name: 'delimiter_pattern',
      type: 'regexp',
      default: null,
      description: 'Between pairs, as a regexp (wins over delimiter), e.g. /\\s+/.',
    },
    { name: 'label_delimiter', type: 'string', default: ':', description: 'Between a label and its value (the first one in a pair).' },
  ],
}

export interface ParserLtsvConfig extends CommonParseConfig {
  delimiter: string
  delimiter_pattern: RegexpValue | null
  label_delimiter: string
}

export const parserLtsvDescriptor: PluginDescriptor<'parser'> = {
  name: 'ltsv',
  kind: 'parser',
  description: 'Parses LTSV (label:value pairs separated by tabs); pairs without a label delimiter are skipped.',
  schema: parserLtsvSchema,
  runtimes: ['node', 'workers', 'browser'],
}
