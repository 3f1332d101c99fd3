/**
 * @module parser_msgpack's descriptor (`@type msgpack`): a map is a record, an array of maps several, a stream of objects one after another.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { MAX_JOINED_SIZE } from './parser_cri.ts'

export const parserMsgpackSchema: PluginSchema = {
  params: [...parseParams(), { ...MAX_JOINED_SIZE, description: 'Largest object held across chunks of a stream (sluice only).' }],
}

export interface ParserMsgpackConfig extends CommonParseConfig {
  max_joined_size: number
}

export const parserMsgpackDescriptor: PluginDescriptor<'parser'> = {
  name: 'msgpack',
  kind: 'parser',
  description: 'Parses MessagePack: a map is one record, an array of maps one record each; several objects may follow one another.',
  schema: parserMsgpackSchema,
  runtimes: ['node', 'workers', 'browser'],
}
