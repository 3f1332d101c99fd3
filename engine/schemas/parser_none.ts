/**
 * @module parser_none's descriptor (`@type none`): the whole text in one field.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserNoneSchema: PluginSchema = {
  params: [...parseParams(), { name: 'message_key', type: 'string', default: 'message', description: 'The field that holds the text.' }],
}

export interface ParserNoneConfig extends CommonParseConfig {
  message_key: string
}

export const parserNoneDescriptor: PluginDescriptor<'parser'> = {
  name: 'none',
  kind: 'parser',
  description: 'Keeps the text as it is, in one field (message); the time is the current time.',
  schema: parserNoneSchema,
  runtimes: ['node', 'workers', 'browser'],
}
