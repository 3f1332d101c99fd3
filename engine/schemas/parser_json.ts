/**
 * @module parser_json's descriptor (`@type json`): one JSON object per record, an array gives one record per object; `time` is the time field, read as float seconds unless `time_format` (or `time_type`) says otherwise.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserJsonSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time', time_type: null }),
    {
      name: 'json_parser',
      type: 'enum',
      values: ['oj', 'yajl', 'json'],
      default: 'oj',
      description: "Fluentd's choice of Ruby JSON library; accepted for compatibility (sluice has one JSON reader).",
    },
    {
      name: 'stream_buffer_size',
      type: 'integer',
      default: 8192,
      description: "Fluentd's buffer for streamed JSON input; accepted for compatibility.",
    },
  ],
}

export interface ParserJsonConfig extends CommonParseConfig {
  json_parser: 'oj' | 'yajl' | 'json'
  stream_buffer_size: number
}

export const parserJsonDescriptor: PluginDescriptor<'parser'> = {
  name: 'json',
  kind: 'parser',
  description: 'Parses JSON: an object is one record, an array one record per object; the time comes from the time field.',
  schema: parserJsonSchema,
  runtimes: ['node', 'workers', 'browser'],
}
