/** @module The tsv formatter (`<format @type tsv>`): the values of `keys`, joined by a tab, unescaped. */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { ADD_NEWLINE_PARAM, NEWLINE_PARAM, UNUSED_TIME_PARAMS } from './sections/format.ts'

export const formatterTsvSchema = {
  params: [
    { name: 'keys', type: 'array', required: true, description: 'The fields written, in order.' },
    { name: 'delimiter', type: 'string', default: '\t', description: 'Between values (a tab).' },
    ADD_NEWLINE_PARAM,
    NEWLINE_PARAM,
    ...UNUSED_TIME_PARAMS,
  ],
} as const satisfies PluginSchema

export type FormatterTsvConfig = ConfigOf<typeof formatterTsvSchema>

export const formatterTsvDescriptor: PluginDescriptor<'formatter'> = {
  name: 'tsv',
  kind: 'formatter',
  description: 'Chosen fields of each record, tab-separated.',
  schema: formatterTsvSchema,
  runtimes: ['node', 'workers', 'browser'],
}
