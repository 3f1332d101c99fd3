/**
 * @module in_forward's config schema (Fluentd's names and defaults, plus sluice's explicit limits)
 * and the checks that span several params (`checkInForward`, the descriptor's `check`: the agent runs
 * it in every runtime, the designer included). The `<security>` and `<transport tls>` schemas come
 * from security-schema.ts / tls-schema.ts (plain data: this file stays free of Node imports for the
 * designer); they are settled in security.ts / tls.ts when the plugin is created.
 */

import { ParamError } from '../config/errors.ts'
import type { ConfigElement } from '../config/model.ts'
import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { securitySection } from './sections/forward-security-server.ts'
import { tlsTransportParams } from './sections/tls.ts'

const MiB = 1024 * 1024

export const inForwardSchema = {
  params: [
    { name: 'port', type: 'integer', default: 24224, description: 'TCP port (and the UDP heartbeat port).' },
    { name: 'bind', type: 'string', default: '0.0.0.0', description: 'Address to listen on.' },
    { name: 'backlog', type: 'integer', default: null, description: 'Listen backlog (the OS default when unset).' },
    {
      name: 'linger_timeout',
      type: 'integer',
      default: 0,
      description:
        'Seconds to wait for the peer to close after sluice closed a connection; 0 closes at once once the last write is flushed.',
    },
    {
      name: 'blocking_timeout',
      type: 'time',
      default: 0.5,
      description: 'Accepted for Fluentd compatibility; sluice never blocks the event loop.',
    },
    { name: 'tag', type: 'string', default: null, description: 'Replace the incoming tag.' },
    { name: 'add_tag_prefix', type: 'string', default: null, description: 'Prefix the tag with "<prefix>." (Fluentd adds the dot).' },
    {
      name: 'resolve_hostname',
      type: 'bool',
      default: null,
      description: 'Look up the peer host name (used in logs and source_hostname_key).',
    },
    { name: 'source_address_key', type: 'string', default: null, description: 'Add the peer IP address to every record under this key.' },
    {
      name: 'source_hostname_key',
      type: 'string',
      default: null,
      description: 'Add the peer host name to every record under this key (implies resolve_hostname).',
    },
    {
      name: 'deny_keepalive',
      type: 'bool',
      default: false,
      description: 'Close each connection after its first message (after writing its ack).',
    },
    { name: 'send_keepalive_packet', type: 'bool', default: false, description: 'Enable TCP keepalive probes (SO_KEEPALIVE).' },
    { name: 'chunk_size_warn_limit', type: 'size', default: null, description: 'Warn when a message is larger than this.' },
    {
      name: 'chunk_size_limit',
      type: 'size',
      default: null,
      description: 'Drop a message larger than this WITHOUT an ack (the connection stays open; Fluentd behaviour).',
    },
    {
      name: 'skip_invalid_event',
      type: 'bool',
      default: true,
      description: 'Drop events whose time or record is invalid, with a warning (Fluentd ≥ 1.19 default).',
    },
    {
      name: 'decompression_size_limit',
      type: 'size',
      default: 256 * MiB,
      description: 'Most bytes a gzip-compressed message may inflate to; more closes the connection.',
    },
    {
      name: 'max_frame_size',
      type: 'size',
      default: 16 * MiB,
      description: 'Most bytes of one msgpack (or JSON) message; a longer one closes the connection.',
    },
    {
      name: 'max_connections',
      type: 'integer',
      default: 10_000,
      description: 'Open connections at most; newer ones are closed at once with a log line.',
    },
    {
      name: 'idle_timeout',
      type: 'time',
      default: null,
      description: 'Close a connection that sent nothing for this long (unset: never).',
    },
    {
      name: 'handshake_timeout',
      type: 'time',
      default: 30,
      description: 'Close a connection whose TLS and <security> handshakes are not done within this long.',
    },
    {
      name: 'frame_timeout',
      type: 'time',
      default: 60,
      description:
        'Close a connection when one message takes longer than this to arrive once it started (slowloris; 0: never). Paused time (backpressure) does not count.',
    },
  ],
  sections: [
    {
      name: 'transport',
      description: 'Transport: tcp (default) or tls.',
      schema: {
        argument: { name: 'protocol', type: 'enum', values: ['tcp', 'tls'], default: 'tcp', description: 'tcp or tls' },
        params: [
          { name: 'linger_timeout', type: 'integer', default: null, description: 'As the top-level linger_timeout.' },
          ...tlsTransportParams,
        ],
      },
    },
    securitySection,
  ],
} as const satisfies PluginSchema

export type InForwardConfig = ConfigOf<typeof inForwardSchema>

/**
 * The combinations Fluentd rejects and the ranges sluice enforces (same messages as Fluentd's where
 * it has one); runs in every runtime, the designer included. Throws with the reason.
 */
export function checkInForward(config: InForwardConfig, element?: ConfigElement): void {
  if (config.source_hostname_key !== null && config.resolve_hostname === false) {
    throw new Error('source_hostname_key needs resolve_hostname; remove "resolve_hostname false"')
  }
  if (config.deny_keepalive && config.send_keepalive_packet) {
    throw new Error('send_keepalive_packet cannot be used with deny_keepalive true')
  }
  if (config.port < 0 || config.port > 65535) {
    const reason = `port ${config.port} is out of range 0..65535`
    throw element ? new ParamError(reason, 'use a TCP port from 0 to 65535 (0 picks a free one)', element, 'port') : new Error(reason)
  }
  if (config.max_frame_size < 1) throw new Error('max_frame_size must be at least 1 byte')
  if (config.max_connections < 1) throw new Error('max_connections must be at least 1')
  if (config.decompression_size_limit < 1) throw new Error('decompression_size_limit must be at least 1 byte')
  if (config.handshake_timeout <= 0) throw new Error('handshake_timeout must be more than 0')
  if (config.frame_timeout < 0) throw new Error('frame_timeout must be 0 (no limit) or more')
  const security = config.security
  if (security !== undefined) {
    if (security.user_auth && security.user.length === 0) throw new Error('<user> sections required if user_auth enabled')
    if (!security.allow_anonymous_source && security.client.length === 0) {
      throw new Error('<client> sections required if allow_anonymous_source disabled')
    }
    for (const c of security.client) {
      if (c.host !== null && c.network !== null) throw new Error("both of 'host' and 'network' are specified for client")
      if (c.host === null && c.network === null) throw new Error("Either of 'host' and 'network' must be specified for client")
    }
  }
}

export const inForwardDescriptor: PluginDescriptor<'input'> = {
  name: 'forward',
  kind: 'input',
  description: 'Receives events over the Fluentd Forward protocol (TCP, with acks; UDP heartbeat).',
  schema: inForwardSchema,
  runtimes: ['node'],
  check: checkInForward,
}
