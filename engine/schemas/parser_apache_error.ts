/**
 * @module parser_apache_error's descriptor (`@type apache_error`): the regexp parser with Fluentd's Apache error log pattern; no time_format, so the time is guessed (Ruby Time.parse).
 */

import type { PluginSchema } from '../config/schema.ts'
import type { RegexpParseConfig } from '../parser/regexp-parser.ts'
import { parseParams } from '../parser/params.ts'
import { APACHE_ERROR_EXPRESSION } from '../parser/patterns.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserApacheErrorSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time' }),
    {
      name: 'expression',
      type: 'regexp',
      default: APACHE_ERROR_EXPRESSION,
      description: "The regexp; the default is Fluentd's apache_error pattern.",
    },
    {
      name: 'ignorecase',
      type: 'bool',
      default: false,
      description: 'Compile the expression ignoring case.',
      deprecated: 'write /pattern/i instead',
    },
    {
      name: 'multiline',
      type: 'bool',
      default: false,
      description: 'Compile the expression so that . matches newlines.',
      deprecated: 'write /pattern/m instead',
    },
  ],
}

export type ParserApacheErrorConfig = RegexpParseConfig

export const parserApacheErrorDescriptor: PluginDescriptor<'parser'> = {
  name: 'apache_error',
  kind: 'parser',
  description: 'Parses Apache error log lines: time, level, pid, client, message.',
  schema: parserApacheErrorSchema,
  runtimes: ['node', 'workers', 'browser'],
}
