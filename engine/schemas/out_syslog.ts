/**
 * @module out_syslog's config schema: Fluent Bit v5.1 out_syslog's names and defaults (`mode`,
 * `syslog_*`), sluice's `frame_type` for TCP/TLS (octet counting by default), out_forward's `tls_*`
 * client params for `mode tls`, and a `<buffer>` (no chunk keys; flush_interval 1 s unless written) with
 * `<secondary>`, as every buffered output.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { bufferSection, secondarySection } from '../output/buffer-schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { tlsClientParams } from './sections/forward-security-client.ts'

export const SYSLOG_FORMATS = ['rfc5424', 'rfc3164'] as const

export const outSyslogParams = [
  { name: 'host', type: 'string', default: '127.0.0.1', description: 'The syslog server (name or address).' },
  { name: 'port', type: 'integer', default: 514, description: 'Its port (514 for UDP and TCP by custom; 6514 for TLS, RFC 5425).' },
  {
    name: 'mode',
    type: 'enum',
    values: ['udp', 'tcp', 'tls'],
    default: 'udp',
    description: 'udp (one datagram per message), tcp, or tls (RFC 5425; see the tls_* params).',
  },
  {
    name: 'frame_type',
    type: 'enum',
    values: ['octet_count', 'traditional'],
    default: 'octet_count',
    description:
      'TCP/TLS framing (RFC 6587): octet_count ("LEN SP MSG", RFC 5425) or traditional (each message ends with "\\n", as Fluent Bit).',
  },
  {
    name: 'syslog_format',
    type: 'enum',
    values: SYSLOG_FORMATS,
    default: 'rfc5424',
    description: 'rfc5424 (UTC, microseconds, structured data) or rfc3164 (BSD syslog).',
  },
  {
    name: 'syslog_maxsize',
    type: 'size',
    default: 0,
    description: 'Most bytes of one message (longer ones are cut); 0: 2048 for rfc5424, 1024 for rfc3164.',
  },
  {
    name: 'syslog_severity_key',
    type: 'string',
    default: null,
    description:
      'Record key holding the severity: 0-7 or a name (emerg alert crit err warning notice info debug; also warn, error, panic).',
  },
  { name: 'syslog_severity_preset', type: 'integer', default: 6, description: 'The severity (0-7) when the record has none.' },
  {
    name: 'syslog_facility_key',
    type: 'string',
    default: null,
    description: 'Record key holding the facility: 0-23 or a name (kern user … local7; security/audit 13, console/alert 14, at/clock 15).',
  },
  { name: 'syslog_facility_preset', type: 'integer', default: 1, description: 'The facility (0-23) when the record has none.' },
  { name: 'syslog_hostname_key', type: 'string', default: null, description: 'Record key holding HOSTNAME.' },
  { name: 'syslog_hostname_preset', type: 'string', default: null, description: 'HOSTNAME when the record has none (unset: "-").' },
  { name: 'syslog_appname_key', type: 'string', default: null, description: 'Record key holding APP-NAME.' },
  { name: 'syslog_appname_preset', type: 'string', default: null, description: 'APP-NAME when the record has none (unset: "-").' },
  { name: 'syslog_procid_key', type: 'string', default: null, description: 'Record key holding PROCID.' },
  { name: 'syslog_procid_preset', type: 'string', default: null, description: 'PROCID when the record has none (unset: "-").' },
  { name: 'syslog_msgid_key', type: 'string', default: null, description: 'Record key holding MSGID.' },
  { name: 'syslog_msgid_preset', type: 'string', default: null, description: 'MSGID when the record has none (unset: "-").' },
  {
    name: 'syslog_sd_key',
    type: 'string',
    multi: true,
    default: null,
    description:
      'Record keys whose map values become STRUCTURED-DATA elements [KEY name="value" …] (a list: sd1,sd2; Fluent Bit repeats the key).',
  },
  { name: 'syslog_message_key', type: 'string', default: null, description: 'Record key holding MSG (unset or absent: no MSG part).' },
  {
    name: 'allow_longer_sd_id',
    type: 'bool',
    default: false,
    description: 'Keep SD-IDs and param names longer than 32 bytes (RFC 5424 allows 32).',
  },
  {
    name: 'connect_timeout',
    type: 'time',
    default: 10,
    description: 'TCP/TLS: give up connecting (and the TLS handshake) after this long.',
  },
  {
    name: 'send_timeout',
    type: 'time',
    default: 60,
    description: 'TCP/TLS: give up a chunk whose bytes the socket does not take within this long (the chunk is retried).',
  },
  { name: 'send_keepalive_packet', type: 'bool', default: false, description: 'TCP/TLS: keepalive probes (SO_KEEPALIVE).' },
  ...tlsClientParams,
] as const

/**
 * Applied when the buffer is resolved (not as schema defaults, so a `<buffer time>` without a
 * written flush_interval gets no "ignored" warning): a syslog line goes out within a second
 * when flush_interval is not written (Fluent Bit flushes every second; Fluentd's default is 60 s).
 */
export const outSyslogBufferDefaults = { flush_interval: 1 }

export const outSyslogBaseSchema = { params: outSyslogParams } as const satisfies PluginSchema

export const outSyslogSchema: PluginSchema = {
  params: outSyslogParams,
  sections: [bufferSection(), secondarySection],
}

export type OutSyslogConfig = ConfigOf<typeof outSyslogBaseSchema> & { buffer: Record<string, unknown> }

export const outSyslogDescriptor: PluginDescriptor<'output'> = {
  name: 'syslog',
  kind: 'output',
  description: 'Sends each event as a syslog message (RFC 5424 or RFC 3164) over UDP, TCP or TLS to a syslog server.',
  schema: outSyslogSchema,
  runtimes: ['node'],
}
