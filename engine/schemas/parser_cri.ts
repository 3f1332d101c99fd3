/**
 * @module parser_cri's descriptor (`@type cri`): containerd/CRI-O log lines `TIME STREAM P|F MESSAGE`, with the fields of fluent-plugin-parser-cri (time, stream, logtag, message) and an optional nested `<parse>` for the message; partial (`P`) lines are joined per stream.
 */

import type { ParamSpec, PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor, PluginSectionConfig } from '../plugin.ts'

/** The limit of a record joined from several lines (cri, docker, multiline): sluice's, Fluentd has none. */
export const MAX_JOINED_SIZE: ParamSpec = {
  name: 'max_joined_size',
  type: 'size',
  default: 8 * 1024 * 1024,
  description:
    'Largest record joined from several lines; at the limit what is held is emitted and the rest starts a new record (sluice only).',
}

export const parserCriSchema: PluginSchema = {
  params: [
    ...parseParams({ time_key: 'time', time_format: '%iso8601', keep_time_key: true }),
    { name: 'merge_cri_fields', type: 'bool', default: true, description: 'With a nested <parse>: add stream and logtag to its record.' },
    MAX_JOINED_SIZE,
  ],
  sections: [
    {
      name: 'parse',
      description: 'A parser for the message part (e.g. json); its record replaces message.',
      plugin: { kind: 'parser', defaultType: null },
      schema: { params: [] },
    },
  ],
}

export interface ParserCriConfig extends CommonParseConfig {
  merge_cri_fields: boolean
  max_joined_size: number
  parse?: PluginSectionConfig
}

export const parserCriDescriptor: PluginDescriptor<'parser'> = {
  name: 'cri',
  kind: 'parser',
  description: 'Parses container runtime (CRI) log lines: time, stream, logtag, message; joins partial lines per stream.',
  schema: parserCriSchema,
  runtimes: ['node', 'workers', 'browser'],
}
