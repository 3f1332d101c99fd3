/**
 * @module The csv formatter (`<format @type csv>`): the values of `fields` (record_accessor paths
 * allowed) as one CSV row, quoted as Ruby's CSV writes them.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { ADD_NEWLINE_PARAM, UNUSED_TIME_PARAMS } from './sections/format.ts'

export const formatterCsvSchema = {
  params: [
    { name: 'fields', type: 'array', required: true, description: 'The fields written, in order (a,b or $.nested.key).' },
    { name: 'delimiter', type: 'string', default: ',', description: 'Between values; \\t or TAB for a tab.' },
    { name: 'force_quotes', type: 'bool', default: true, description: 'Quote every value (false: only those that need it).' },
    ADD_NEWLINE_PARAM,
    ...UNUSED_TIME_PARAMS,
  ],
} as const satisfies PluginSchema

export type FormatterCsvConfig = ConfigOf<typeof formatterCsvSchema>

export const formatterCsvDescriptor: PluginDescriptor<'formatter'> = {
  name: 'csv',
  kind: 'formatter',
  description: 'Chosen fields of each record as a CSV row.',
  schema: formatterCsvSchema,
  runtimes: ['node', 'workers', 'browser'],
}
