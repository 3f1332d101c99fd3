/**
 * @module parser_apache2's descriptor (`@type apache2`): Fluentd's fixed Apache combined-log parser; code and size become integers, `-` becomes null.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserApache2Schema: PluginSchema = { params: parseParams() }

export type ParserApache2Config = CommonParseConfig

export const parserApache2Descriptor: PluginDescriptor<'parser'> = {
  name: 'apache2',
  kind: 'parser',
  description: 'Parses Apache combined log lines: host, user, method, path, code and size (integers), referer, agent; "-" becomes null.',
  schema: parserApache2Schema,
  runtimes: ['node', 'workers', 'browser'],
}
