/**
 * @module The json formatter (`<format @type json>`): each record as one JSON object, then the
 * newline. `json_parser oj` (Fluentd's default) writes Oj's compat-mode bytes, anything else Yajl's
 * (they differ only in floats: Oj writes 1e16 as `10000000000000000.0` and -0.0 as `0.0`).
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { ADD_NEWLINE_PARAM, NEWLINE_PARAM, UNUSED_TIME_PARAMS } from './sections/format.ts'

export const formatterJsonSchema = {
  params: [
    {
      name: 'json_parser',
      type: 'string',
      default: 'oj',
      description: 'oj (Fluentd default: Oj compat-mode numbers) or yajl; sluice has one writer and only follows their number forms.',
    },
    ADD_NEWLINE_PARAM,
    NEWLINE_PARAM,
    ...UNUSED_TIME_PARAMS,
  ],
} as const satisfies PluginSchema

export type FormatterJsonConfig = ConfigOf<typeof formatterJsonSchema>

export const formatterJsonDescriptor: PluginDescriptor<'formatter'> = {
  name: 'json',
  kind: 'formatter',
  description: 'Each record as one line of JSON.',
  schema: formatterJsonSchema,
  runtimes: ['node', 'workers', 'browser'],
}
