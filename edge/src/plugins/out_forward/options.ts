/**
 * @module The edge out_forward's settled options.
 */

import type { OutForwardConfig } from '../../../../engine/schemas/out_forward_edge.ts'

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
