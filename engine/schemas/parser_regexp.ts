/**
 * @module parser_regexp's descriptor (`@type regexp`): named captures of `expression` become fields.
 */

import type { PluginSchema } from '../config/schema.ts'
import type { RegexpParseConfig } from '../parser/regexp-parser.ts'
import { parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserRegexpSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time' }),
    {
      name: 'expression',
      type: 'regexp',
      required: true,
      description: 'The regexp (/re/ with Ruby flags i and m); each named capture (?<name>…) becomes a field.',
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

export type ParserRegexpConfig = RegexpParseConfig

export const parserRegexpDescriptor: PluginDescriptor<'parser'> = {
  name: 'regexp',
  kind: 'parser',
  description: 'Parses text with a regexp: each named capture becomes a string field.',
  schema: parserRegexpSchema,
  runtimes: ['node', 'workers', 'browser'],
}
