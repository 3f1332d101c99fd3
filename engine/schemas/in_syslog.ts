/**
 * @module in_syslog's config schema (Fluentd v1.18 in_syslog: names and defaults; sluice adds
 * `frame_type auto`, its default, and explicit limits for TCP). `<parse>` defaults to the syslog
 * parser with `with_priority true`; `<transport>` is udp (default), tcp or tls.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { receiveBufferSizeParam, streamLimitParams, streamTransportParams } from './sections/stream-input.ts'

const MiB = 1024 * 1024

export const inSyslogSchema = {
  params: [
    { name: 'port', type: 'integer', default: 5140, description: 'Port to listen on (UDP, TCP or TLS as <transport> says).' },
    { name: 'bind', type: 'string', default: '0.0.0.0', description: 'Address to listen on.' },
    {
      name: 'tag',
      type: 'string',
      required: true,
      description: 'The tag prefix: events are tagged <tag>.<facility>.<severity> (Fluentd names: tag.auth.crit).',
    },
    {
      name: 'protocol_type',
      type: 'enum',
      values: ['tcp', 'udp'],
      default: null,
      description: 'Old way to choose the transport (overrides <transport>).',
      deprecated: 'use <transport tcp> or <transport udp>',
    },
    {
      name: 'frame_type',
      type: 'enum',
      values: ['auto', 'traditional', 'octet_count'],
      default: 'auto',
      description:
        'TCP/TLS framing (RFC 6587): traditional (delimiter-terminated), octet_count ("LEN SP MSG"), or auto (each message by its first byte: digits then " <" is octet counting, anything else a line).',
    },
    {
      name: 'include_source_host',
      type: 'bool',
      default: false,
      description: "Add the sender's address under source_host_key.",
      deprecated: 'use source_hostname_key or source_address_key',
    },
    { name: 'source_host_key', type: 'string', default: 'source_host', description: 'The key of include_source_host.' },
    {
      name: 'emit_unmatched_lines',
      type: 'bool',
      default: false,
      description: 'Emit messages that cannot be parsed as {"unmatched_line": raw} with the tag <tag>.unmatched.',
    },
    {
      name: 'source_hostname_key',
      type: 'string',
      default: null,
      description: "Add the sender's host name (reverse DNS) to every record under this key (implies resolve_hostname).",
    },
    { name: 'resolve_hostname', type: 'bool', default: null, description: "Look up the sender's host name (for source_hostname_key)." },
    { name: 'send_keepalive_packet', type: 'bool', default: false, description: 'TCP/TLS: enable keepalive probes (SO_KEEPALIVE).' },
    {
      name: 'source_address_key',
      type: 'string',
      default: null,
      description: "Add the sender's IP address to every record under this key.",
    },
    {
      name: 'severity_key',
      alias: 'priority_key',
      type: 'string',
      default: null,
      description: 'Add the severity name (emerg … debug, Fluentd names: err, warn) under this key (priority_key is its deprecated name).',
    },
    { name: 'facility_key', type: 'string', default: null, description: 'Add the facility name (kern … local7) under this key.' },
    {
      name: 'message_length_limit',
      type: 'size',
      default: 2048,
      description: 'UDP: bytes read of each datagram (longer ones are cut). TCP/TLS use max_frame_size.',
    },
    {
      name: 'max_frame_size',
      type: 'size',
      default: MiB,
      description:
        'TCP/TLS: most bytes kept of one message; the rest of a longer one is skipped and the message is truncated (RFC 5424 §6.1; sluice — Fluentd has no limit).',
    },
    { name: 'blocking_timeout', type: 'time', default: 0.5, description: 'Accepted for Fluentd compatibility; sluice never blocks.' },
    {
      name: 'delimiter',
      type: 'string',
      default: '\n',
      description: 'TCP/TLS traditional framing: the bytes that end a message (not part of it).',
    },
    ...streamLimitParams,
  ],
  sections: [
    {
      name: 'parse',
      description: 'The parser of each message (default: @type syslog with with_priority true).',
      init: true,
      plugin: { kind: 'parser', defaultType: 'syslog' },
      schema: {
        params: [
          {
            name: 'with_priority',
            type: 'bool',
            default: true,
            description: 'The syslog parser reads the <PRI> itself (other parsers get the message without it).',
          },
        ],
      },
    },
    {
      name: 'transport',
      description: 'Transport: udp (default), tcp or tls.',
      init: true,
      schema: {
        argument: { name: 'protocol', type: 'enum', values: ['udp', 'tcp', 'tls'], default: 'udp', description: 'udp, tcp or tls' },
        params: [receiveBufferSizeParam, ...streamTransportParams],
      },
    },
  ],
  compat: { convert: ['parser'] },
} as const satisfies PluginSchema

export type InSyslogConfig = ConfigOf<typeof inSyslogSchema>

export const inSyslogDescriptor: PluginDescriptor<'input'> = {
  name: 'syslog',
  kind: 'input',
  description: 'Receives syslog messages (RFC 3164 and RFC 5424) over UDP, TCP or TLS; tags them <tag>.<facility>.<severity>.',
  schema: inSyslogSchema,
  runtimes: ['node'],
}
