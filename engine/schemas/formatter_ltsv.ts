/** @module The ltsv formatter (`<format @type ltsv>`): `label:value` pairs joined by a tab (http://ltsv.org/). */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { ADD_NEWLINE_PARAM, NEWLINE_PARAM, UNUSED_TIME_PARAMS } from './sections/format.ts'

export const formatterLtsvSchema = {
  params: [
    { name: 'delimiter', type: 'string', default: '\t', description: 'Between pairs (a tab).' },
    { name: 'label_delimiter', type: 'string', default: ':', description: 'Between a label and its value.' },
    { name: 'replacement', type: 'string', default: ' ', description: 'What the delimiter becomes inside values.' },
    ADD_NEWLINE_PARAM,
    NEWLINE_PARAM,
    ...UNUSED_TIME_PARAMS,
  ],
} as const satisfies PluginSchema

export type FormatterLtsvConfig = ConfigOf<typeof formatterLtsvSchema>

export const formatterLtsvDescriptor: PluginDescriptor<'formatter'> = {
  name: 'ltsv',
  kind: 'formatter',
  description: 'Each record as Labeled Tab-Separated Values (label:value pairs).',
  schema: formatterLtsvSchema,
  runtimes: ['node', 'workers', 'browser'],
}
