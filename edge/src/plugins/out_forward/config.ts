/**
 * @module The edge forward output's schema (`@type forward`, Fluentd's out_forward names) and its
 * settled options. There is no buffer on the edge: a request's events are sent while the request
 * waits, so the defaults differ from Fluentd's where a request cannot wait minutes —
 * require_ack_response defaults to TRUE (the ack is the only proof of delivery the edge gets) and
 * the timeouts are seconds. Free of runtime imports: the designer reads it.
 */

import type { ConfigOf, PluginSchema } from '../../../../engine/config/schema.ts'
import { serverSchema } from '../../../../engine/output/forward-server-schema.ts'

export { serverSchema }

export const securitySchema = {
  params: [
    {
      name: 'self_hostname',
      type: 'string',
      required: true,
      description: "This sender's name in the handshake (must differ from the server's).",
    },
    { name: 'shared_key', type: 'string', required: true, secret: true, description: "The key shared with the receiver's <security>." },
  ],
} as const satisfies PluginSchema

export const outForwardSchema = {
  params: [
    {
      name: 'require_ack_response',
      type: 'bool',
      default: true,
      description: 'Wait for {"ack": id} before the request is answered (edge default: true; false: a written socket counts).',
    },
    {
      name: 'ack_response_timeout',
      type: 'time',
      default: 15,
      description: 'Give up waiting for the acks after this long (then the next server is tried).',
    },
    { name: 'connect_timeout', type: 'time', default: 5, description: 'Give up connecting (and the handshake) after this long.' },
    { name: 'send_timeout', type: 'time', default: 15, description: 'Give up writing the events after this long.' },
    { name: 'compress', type: 'enum', values: ['text', 'gzip'], default: 'text', description: 'gzip: send CompressedPackedForward.' },
    {
      name: 'time_as_integer',
      type: 'bool',
      default: false,
      description: 'Send integer seconds instead of EventTime (for Fluentd ≤ v0.12 receivers).',
    },
    {
      name: 'transport',
      type: 'enum',
      values: ['tcp', 'tls'],
      default: 'tcp',
      description: 'tls: connect() with secureTransport on (the server needs a certificate the runtime trusts).',
    },
    {
      name: 'chunk_limit_size',
      type: 'size',
      default: 1024 * 1024,
      description: 'Most entry bytes per PackedForward message; larger requests are sent as several messages, each acked.',
    },
  ],
  sections: [
    { name: 'server', description: 'A receiver.', multi: true, required: true, schema: serverSchema },
    { name: 'security', description: 'The shared-key handshake (HELO / PING / PONG).', schema: securitySchema },
  ],
} as const satisfies PluginSchema

export type OutForwardConfig = ConfigOf<typeof outForwardSchema>

export interface ServerOptions {
  host: string
  port: number
  name: string
  weight: number
  standby: boolean
  /** The shared key for the handshake with this server; null: no handshake. */
  sharedKey: string | null
  username: string
  password: string
}

export interface ForwardOptions {
  servers: ServerOptions[]
  selfHostname: string
  requireAck: boolean
  ackTimeoutMs: number
  connectTimeoutMs: number
  sendTimeoutMs: number
  gzip: boolean
  timeAsInteger: boolean
  tls: boolean
  chunkLimit: number
}

export function settleForwardOptions(config: OutForwardConfig): ForwardOptions {
  if (config.server.length === 0) throw new Error('forward needs at least one <server>')
  const security = config.security
  for (const s of config.server) {
    if (s.port < 1 || s.port > 65535) throw new Error(`<server> ${s.host}: port ${s.port} is out of range 1..65535`)
    if (s.weight < 0) throw new Error(`<server> ${s.host}: weight must be 0 or more`)
    if (security === undefined && (s.shared_key !== null || s.username !== '' || s.password !== '')) {
      throw new Error(`<server> ${s.host}: shared_key/username/password need a <security> section (self_hostname, shared_key)`)
    }
  }
  if (config.server.every((s) => s.weight === 0)) throw new Error('every <server> has weight 0: none would ever be used')
  const ms = (s: number) => Math.round(s * 1000)
  return {
    servers: config.server.map((s) => ({
      host: s.host,
      port: s.port,
      name: s.name ?? `${s.host}:${s.port}`,
      weight: s.weight,
      standby: s.standby,
      sharedKey: security === undefined ? null : (s.shared_key ?? security.shared_key),
      username: s.username,
      password: s.password,
    })),
    selfHostname: security?.self_hostname ?? '',
    requireAck: config.require_ack_response,
    ackTimeoutMs: ms(config.ack_response_timeout),
    connectTimeoutMs: ms(config.connect_timeout),
    sendTimeoutMs: ms(config.send_timeout),
    gzip: config.compress === 'gzip',
    timeAsInteger: config.time_as_integer,
    tls: config.transport === 'tls',
    chunkLimit: config.chunk_limit_size,
  }
}
