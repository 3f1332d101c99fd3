/** @module The single_value formatter (`<format @type single_value>`): one field's value as the whole line. */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { ADD_NEWLINE_PARAM, NEWLINE_PARAM, UNUSED_TIME_PARAMS } from './sections/format.ts'

export const formatterSingleValueSchema = {
  params: [
    { name: 'message_key', type: 'string', default: 'message', description: 'The field written.' },
    ADD_NEWLINE_PARAM,
    NEWLINE_PARAM,
    ...UNUSED_TIME_PARAMS,
  ],
} as const satisfies PluginSchema

export type FormatterSingleValueConfig = ConfigOf<typeof formatterSingleValueSchema>

export const formatterSingleValueDescriptor: PluginDescriptor<'formatter'> = {
  name: 'single_value',
  kind: 'formatter',
  description: "One field's value per line (message by default).",
  schema: formatterSingleValueSchema,
  runtimes: ['node', 'workers', 'browser'],
}
