/**
 * @module out_forward's config schema (Fluentd's names and defaults, §2.1) and the settled options
 * the writer, the nodes and the heartbeat use. `<security>` and the `tls_*` params come from
 * security-schema.ts (plain data: this file stays free of Node imports for the designer) and are
 * settled per server by session.ts when the plugin is created; `compress zstd` is parsed so the
 * error can say "not supported yet". The `<buffer>` defaults to the `tag`
 * chunk key (mandatory, as in Fluentd) on a memory buffer with Fluentd's flush_interval (60 s).
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { serverSchema } from './sections/forward-server.ts'
import { serviceDiscoverySection, type ServiceDiscoveryConfig } from './sections/service-discovery.ts'

export { serverSchema }
import { bufferSection, secondarySection } from '../output/buffer-schema.ts'
import { securitySection, tlsClientParams } from './sections/forward-security-client.ts'

export { securitySection }

export const outForwardParams = [
  {
    name: 'require_ack_response',
    type: 'bool',
    default: false,
    description: 'Wait for {"ack": id} before a chunk counts as written (at-least-once).',
  },
  {
    name: 'ack_response_timeout',
    type: 'time',
    default: 190,
    description: 'Give up waiting for an ack after this long (the chunk is retried, the server disabled).',
  },
  { name: 'send_timeout', type: 'time', default: 60, description: 'Give up a write that makes no progress for this long.' },
  {
    name: 'connect_timeout',
    type: 'time',
    default: null,
    description: 'Give up connecting after this long (unset: 10 s; Fluentd: the OS timeout, about 2 min).',
  },
  {
    name: 'keepalive',
    type: 'bool',
    default: false,
    description: 'Reuse connections (a pool; a socket waiting for an ack is never reused).',
  },
  { name: 'keepalive_timeout', type: 'time', default: null, description: 'Close pooled connections idle this long (unset: never).' },
  { name: 'send_keepalive_packet', type: 'bool', default: false, description: 'TCP keepalive probes (SO_KEEPALIVE).' },
  {
    name: 'compress',
    type: 'enum',
    values: ['text', 'gzip', 'zstd'],
    default: 'text',
    description: 'gzip: send CompressedPackedForward (one gzip member per chunk).',
  },
  {
    name: 'time_as_integer',
    type: 'bool',
    default: false,
    description: 'Send integer seconds instead of EventTime (for Fluentd ≤ v0.12 receivers).',
  },
  {
    name: 'heartbeat_type',
    type: 'enum',
    values: ['transport', 'tcp', 'udp', 'none'],
    default: 'transport',
    description: 'transport: a TCP connect is the heartbeat; udp: a 00 datagram; none: servers are always available.',
  },
  { name: 'heartbeat_interval', type: 'time', default: 1, description: 'Seconds between heartbeats.' },
  { name: 'hard_timeout', type: 'time', default: 60, description: 'Detach a server without a heartbeat for this long.' },
  {
    name: 'recover_wait',
    type: 'time',
    default: 10,
    description: 'A detached server comes back after this many seconds worth of heartbeats.',
  },
  { name: 'phi_failure_detector', type: 'bool', default: true, description: 'Use the phi accrual failure detector.' },
  { name: 'phi_threshold', type: 'integer', default: 16, description: 'Detach a server when phi exceeds this.' },
  {
    name: 'expire_dns_cache',
    type: 'time',
    default: null,
    description: 'Keep a resolved address this long (unset: until the server is detached; 0: resolve on every connection).',
  },
  {
    name: 'dns_round_robin',
    type: 'bool',
    default: false,
    description: "Connect to a random one of the host's addresses (not with heartbeat_type udp).",
  },
  {
    name: 'ignore_network_errors_at_startup',
    type: 'bool',
    default: false,
    description: "Start even when a server's host name does not resolve (default: start fails).",
  },
  { name: 'verify_connection_at_startup', type: 'bool', default: false, description: 'Fail start when a server cannot be connected to.' },
  { name: 'transport', type: 'enum', values: ['tcp', 'tls'], default: 'tcp', description: 'tcp, or tls (see the tls_* params).' },
  ...tlsClientParams,
] as const

export const serverSection = { name: 'server', description: 'A receiver.', multi: true, required: true, schema: serverSchema } as const

export const outForwardBaseSchema = {
  params: outForwardParams,
  sections: [serverSection, securitySection],
} as const satisfies PluginSchema

/** Fluentd's `config_section :buffer { config_set_default :chunk_keys, ['tag'] }`. */
export const bufferDefaults = { chunk_keys: ['tag'] }

/**
 * The full schema: params, `<server>` (optional when `<service_discovery>` gives servers),
 * `<security>`, `<service_discovery>`, `<buffer>`, `<secondary>`.
 */
export const outForwardSchema: PluginSchema = {
  params: outForwardParams,
  sections: [
    { ...serverSection, required: false },
    securitySection,
    serviceDiscoverySection,
    bufferSection(bufferDefaults),
    secondarySection,
  ],
  compat: { convert: ['buffer'], defaultChunkKey: 'tag' },
}

export type ServerConfig = ConfigOf<typeof serverSchema>
export type OutForwardBaseConfig = ConfigOf<typeof outForwardBaseSchema>
export type OutForwardConfig = OutForwardBaseConfig & { buffer: Record<string, unknown>; service_discovery?: ServiceDiscoveryConfig[] }

export const outForwardDescriptor: PluginDescriptor<'output'> = {
  name: 'forward',
  kind: 'output',
  description: 'Sends events to Fluentd / Fluent Bit / sluice servers over the Forward protocol (acks, load balancing, failover).',
  schema: outForwardSchema,
  runtimes: ['node'],
}
