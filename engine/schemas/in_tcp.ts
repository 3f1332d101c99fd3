/**
 * @module in_tcp's config schema (Fluentd v1.18 in_tcp: names and defaults, plus sluice's explicit
 * connection limits). `<parse>` is required and chooses the parser; `<transport tls>`, the
 * `<security><client>` allow-list and `<extract> tag_key` are as in Fluentd.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { clientAllowSection, extractSection, streamLimitParams, streamTransportParams } from './sections/stream-input.ts'

const MiB = 1024 * 1024

/** What an unset message_length_limit means in sluice (Fluentd: no limit). */
export const IN_TCP_DEFAULT_LENGTH_LIMIT = 16 * MiB

export const inTcpSchema = {
  params: [
    { name: 'tag', type: 'string', required: true, description: 'The tag of the events.' },
    { name: 'port', type: 'integer', default: 5170, description: 'TCP port to listen on.' },
    { name: 'bind', type: 'string', default: '0.0.0.0', description: 'Address to listen on.' },
    {
      name: 'source_host_key',
      type: 'string',
      default: null,
      description: 'Old name of source_hostname_key.',
      deprecated: 'use source_hostname_key instead',
    },
    {
      name: 'source_hostname_key',
      type: 'string',
      default: null,
      description: "Add the client's host name (reverse DNS, once per connection) to every record under this key.",
    },
    {
      name: 'source_address_key',
      type: 'string',
      default: null,
      description: "Add the client's IP address to every record under this key.",
    },
    {
      name: 'message_length_limit',
      type: 'size',
      default: null,
      description:
        'Drop messages longer than this many bytes; an unfinished one that outgrows it is discarded up to the next delimiter (unset: 16 MiB in sluice, no limit in Fluentd).',
    },
    { name: 'blocking_timeout', type: 'time', default: 0.5, description: 'Accepted for Fluentd compatibility; sluice never blocks.' },
    {
      name: 'delimiter',
      type: 'string',
      default: '\n',
      description: 'The bytes that end a message (a literal string: CRLF senders leave "\\r" unless the parser strips it).',
    },
    { name: 'send_keepalive_packet', type: 'bool', default: false, description: 'Enable TCP keepalive probes (SO_KEEPALIVE).' },
    ...streamLimitParams,
  ],
  sections: [
    {
      name: 'parse',
      description: 'The parser of each message (required).',
      required: true,
      plugin: { kind: 'parser', defaultType: null },
      schema: { params: [] },
    },
    {
      name: 'transport',
      description: 'Transport: tcp (default) or tls.',
      schema: {
        argument: { name: 'protocol', type: 'enum', values: ['tcp', 'tls'], default: 'tcp', description: 'tcp or tls' },
        params: streamTransportParams,
      },
    },
    clientAllowSection,
    extractSection,
  ],
  compat: { convert: ['parser'] },
} as const satisfies PluginSchema

export type InTcpConfig = ConfigOf<typeof inTcpSchema>

export const inTcpDescriptor: PluginDescriptor<'input'> = {
  name: 'tcp',
  kind: 'input',
  description: 'Receives delimited text messages over TCP or TLS and parses each with <parse>.',
  schema: inTcpSchema,
  runtimes: ['node'],
}
