/**
 * @module The out_file formatter (`<format @type out_file>`, out_file's default): `time`, `tag` and
 * the record as JSON (Yajl's bytes), joined by a tab: `2013-02-28T12:00:00+09:00\tapp\t{"k":"v"}\n`.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { FORMATTER_TIME_TYPE, NEWLINE_PARAM, TIME_PARAMS } from './sections/format.ts'

export const formatterOutFileSchema = {
  params: [
    { name: 'output_time', type: 'bool', default: true, description: 'Write the time first.' },
    { name: 'output_tag', type: 'bool', default: true, description: 'Write the tag.' },
    {
      name: 'delimiter',
      type: 'string',
      default: '\t',
      description: 'SPACE or COMMA (any case, anywhere in the value); anything else is a tab.',
    },
    FORMATTER_TIME_TYPE,
    ...TIME_PARAMS,
    NEWLINE_PARAM,
  ],
} as const satisfies PluginSchema

export type FormatterOutFileConfig = ConfigOf<typeof formatterOutFileSchema>

export const formatterOutFileDescriptor: PluginDescriptor<'formatter'> = {
  name: 'out_file',
  kind: 'formatter',
  description: 'time, tag and the record as JSON, tab-separated (out_file lines).',
  schema: formatterOutFileSchema,
  runtimes: ['node', 'workers', 'browser'],
}
