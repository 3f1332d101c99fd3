/**
 * @module parser_apache's descriptor (`@type apache`): the regexp parser with Fluentd's older Apache access log pattern.
 */

import type { PluginSchema } from '../config/schema.ts'
import type { RegexpParseConfig } from '../parser/regexp-parser.ts'
import { parseParams } from '../parser/params.ts'
import { APACHE_EXPRESSION, APACHE_TIME_FORMAT } from '../parser/patterns.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserApacheSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time', time_format: APACHE_TIME_FORMAT }),
    {
      name: 'expression',
      type: 'regexp',
      default: APACHE_EXPRESSION,
      description: "The regexp; the default is Fluentd's apache pattern.",
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

export type ParserApacheConfig = RegexpParseConfig

export const parserApacheDescriptor: PluginDescriptor<'parser'> = {
  name: 'apache',
  kind: 'parser',
  description: 'Parses Apache access log lines (common/combined) into string fields.',
  schema: parserApacheSchema,
  runtimes: ['node', 'workers', 'browser'],
}
