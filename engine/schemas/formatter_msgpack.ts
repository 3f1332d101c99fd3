/** @module The msgpack formatter (`<format @type msgpack>`): each record as msgpack, back to back. */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { UNUSED_TIME_PARAMS } from './sections/format.ts'

export const formatterMsgpackSchema = { params: [...UNUSED_TIME_PARAMS] } as const satisfies PluginSchema

export type FormatterMsgpackConfig = ConfigOf<typeof formatterMsgpackSchema>

export const formatterMsgpackDescriptor: PluginDescriptor<'formatter'> = {
  name: 'msgpack',
  kind: 'formatter',
  description: 'Each record as msgpack (binary, no separator).',
  schema: formatterMsgpackSchema,
  runtimes: ['node', 'workers', 'browser'],
}
