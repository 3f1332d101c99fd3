/**
 * @module parser_nginx's descriptor (`@type nginx`): the regexp parser with Fluentd's nginx pattern and time format.
 */

import type { PluginSchema } from '../config/schema.ts'
import type { RegexpParseConfig } from '../parser/regexp-parser.ts'
import { parseParams } from '../parser/params.ts'
import { NGINX_EXPRESSION, APACHE_TIME_FORMAT } from '../parser/patterns.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserNginxSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time', time_format: APACHE_TIME_FORMAT }),
    {
      name: 'expression',
      type: 'regexp',
      default: NGINX_EXPRESSION,
      description: "The regexp; the default is Fluentd's nginx pattern.",
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

export type ParserNginxConfig = RegexpParseConfig

export const parserNginxDescriptor: PluginDescriptor<'parser'> = {
  name: 'nginx',
  kind: 'parser',
  description: 'Parses nginx access log lines (combined format, optional X-Forwarded-For); every field is a string.',
  schema: parserNginxSchema,
  runtimes: ['node', 'workers', 'browser'],
}
