/**
 * @module parser_docker's descriptor (`@type docker`): Docker json-file lines `{"log","stream","time"}`; lines Docker split at 16 KiB are joined per stream until one ends in a newline.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { MAX_JOINED_SIZE } from './parser_cri.ts'

export const parserDockerSchema: PluginSchema = {
  params: [...parseParams({ time_key: 'time', time_format: '%iso8601' }), MAX_JOINED_SIZE],
}

export interface ParserDockerConfig extends CommonParseConfig {
  max_joined_size: number
}

export const parserDockerDescriptor: PluginDescriptor<'parser'> = {
  name: 'docker',
  kind: 'parser',
  description: 'Parses Docker json-file log lines (log, stream, time); joins lines Docker split at 16 KiB.',
  schema: parserDockerSchema,
  runtimes: ['node', 'workers', 'browser'],
}
