/**
 * @module parser_multiline's descriptor (`@type multiline`): `format1`…`format20` joined into one regexp (`.` matches newlines), `format_firstline` to tell where a record starts.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { MAX_JOINED_SIZE } from './parser_cri.ts'

export const MULTILINE_FORMAT_MAX = 20

export const parserMultilineSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time' }),
    {
      name: 'format_firstline',
      type: 'string',
      default: null,
      description: 'Regexp /…/ of the first line of a record; a new first line ends the record before it.',
    },
    {
      name: 'unmatched_lines',
      type: 'string',
      default: null,
      description: 'When set, text the formats do not match becomes a record {"unmatched_line": text} instead of an error.',
    },
    { name: 'format1', type: 'string', default: null, description: 'Part 1 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format2', type: 'string', default: null, description: 'Part 2 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format3', type: 'string', default: null, description: 'Part 3 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format4', type: 'string', default: null, description: 'Part 4 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format5', type: 'string', default: null, description: 'Part 5 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format6', type: 'string', default: null, description: 'Part 6 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format7', type: 'string', default: null, description: 'Part 7 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format8', type: 'string', default: null, description: 'Part 8 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format9', type: 'string', default: null, description: 'Part 9 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format10', type: 'string', default: null, description: 'Part 10 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format11', type: 'string', default: null, description: 'Part 11 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format12', type: 'string', default: null, description: 'Part 12 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format13', type: 'string', default: null, description: 'Part 13 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format14', type: 'string', default: null, description: 'Part 14 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format15', type: 'string', default: null, description: 'Part 15 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format16', type: 'string', default: null, description: 'Part 16 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format17', type: 'string', default: null, description: 'Part 17 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format18', type: 'string', default: null, description: 'Part 18 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format19', type: 'string', default: null, description: 'Part 19 of the record regexp, /…/ (the parts are joined in order).' },
    { name: 'format20', type: 'string', default: null, description: 'Part 20 of the record regexp, /…/ (the parts are joined in order).' },
    MAX_JOINED_SIZE,
  ],
}

export interface ParserMultilineConfig extends CommonParseConfig {
  format_firstline: string | null
  unmatched_lines: string | null
  max_joined_size: number
  [format: `format${number}`]: string | null
}

export const parserMultilineDescriptor: PluginDescriptor<'parser'> = {
  name: 'multiline',
  kind: 'parser',
  description: 'Parses records that span lines: format1..formatN joined into one regexp; format_firstline marks where a record starts.',
  schema: parserMultilineSchema,
  runtimes: ['node', 'workers', 'browser'],
}
