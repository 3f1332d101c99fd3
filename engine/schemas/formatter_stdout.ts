/**
 * @module The stdout formatter (`<format @type stdout>`, out_stdout's and filter_stdout's default):
 * `2026-11-21 15:52:00.123456789 +0900 tag: {"k":"v"}` — the local time, the tag, and the record as
 * the `output_type` formatter writes it (json by default; its params go in the same section).
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { FORMATTER_TIME_TYPE, TIME_PARAMS } from './sections/format.ts'

export const STDOUT_TIME_FORMAT = '%Y-%m-%d %H:%M:%S.%N %z'

export const formatterStdoutSchema = {
  params: [
    {
      name: 'output_type',
      type: 'string',
      default: 'json',
      description: 'The formatter that writes the record (json, ltsv, hash, single_value …); its params go in this section.',
    },
    ...TIME_PARAMS.map((p) =>
      p.name === 'time_format' ? { ...p, description: `strftime format of the time (default ${STDOUT_TIME_FORMAT}).` } : p,
    ),
    FORMATTER_TIME_TYPE,
  ],
  delegate: { param: 'output_type', kind: 'formatter', defaultType: 'json' },
} as const satisfies PluginSchema

export type FormatterStdoutConfig = ConfigOf<typeof formatterStdoutSchema>

export const formatterStdoutDescriptor: PluginDescriptor<'formatter'> = {
  name: 'stdout',
  kind: 'formatter',
  description: "Time, tag and the record as another formatter writes it (out_stdout's lines).",
  schema: formatterStdoutSchema,
  runtimes: ['node', 'workers', 'browser'],
}
