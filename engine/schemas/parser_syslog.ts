/**
 * @module parser_syslog's descriptor (`@type syslog`): RFC 3164, RFC 5424 or either (auto), with or without the `<PRI>`.
 */

import type { PluginSchema } from '../config/schema.ts'
import { type CommonParseConfig, parseParams } from '../parser/params.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const parserSyslogSchema: PluginSchema = {
  params: [
    ...parseParams().map((p) =>
      p.name === 'time_format'
        ? {
            ...p,
            description: 'strptime format of the time; unset: %b %d %H:%M:%S (RFC 3164), rfc5424_time_format (message_format rfc5424).',
          }
        : p,
    ),
    { name: 'with_priority', type: 'bool', default: false, description: 'Lines start with <PRI> (in_syslog sets it).' },
    {
      name: 'message_format',
      type: 'enum',
      values: ['rfc3164', 'rfc5424', 'auto'],
      default: 'rfc3164',
      description: 'The syslog format; auto tells them apart by the version after <PRI>.',
    },
    {
      name: 'rfc5424_time_format',
      type: 'string',
      default: '%Y-%m-%dT%H:%M:%S.%L%z',
      description: 'Time format of RFC 5424 messages (times without a fraction are read too).',
    },
    {
      name: 'parser_engine',
      type: 'enum',
      values: ['regexp', 'string'],
      default: 'regexp',
      alias: 'parser_type',
      description: "regexp: Fluentd's regexps (the default); string: Fluentd's faster splitter (differs on edge cases, see the README).",
    },
    { name: 'support_colonless_ident', type: 'bool', default: true, description: 'string engine: read an ident not followed by a colon.' },
  ],
}

export interface ParserSyslogConfig extends CommonParseConfig {
  with_priority: boolean
  message_format: 'rfc3164' | 'rfc5424' | 'auto'
  rfc5424_time_format: string
  parser_engine: 'regexp' | 'string'
  support_colonless_ident: boolean
}

export const parserSyslogDescriptor: PluginDescriptor<'parser'> = {
  name: 'syslog',
  kind: 'parser',
  description: 'Parses syslog lines (RFC 3164, RFC 5424 or auto): host, ident, pid, msgid, extradata, message, and pri with with_priority.',
  schema: parserSyslogSchema,
  runtimes: ['node', 'workers', 'browser'],
}
