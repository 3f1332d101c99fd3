/** @module The hash formatter (`<format @type hash>`): each record as Ruby prints a Hash (`{"k"=>"v"}`, Ruby 3.2). */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { ADD_NEWLINE_PARAM, NEWLINE_PARAM, UNUSED_TIME_PARAMS } from './sections/format.ts'

export const formatterHashSchema = {
  params: [ADD_NEWLINE_PARAM, NEWLINE_PARAM, ...UNUSED_TIME_PARAMS],
} as const satisfies PluginSchema

export type FormatterHashConfig = ConfigOf<typeof formatterHashSchema>

export const formatterHashDescriptor: PluginDescriptor<'formatter'> = {
  name: 'hash',
  kind: 'formatter',
  description: 'Each record as a Ruby Hash literal ({"k"=>"v"}).',
  schema: formatterHashSchema,
  runtimes: ['node', 'workers', 'browser'],
}
