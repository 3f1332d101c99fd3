/**
 * @module out_forward's settled options: the checked config turned into milliseconds and plain values.
 */

import type { OutForwardBaseConfig } from '../../../engine/schemas/out_forward.ts'
import type { ServerSession } from '../../../engine/schemas/sections/forward-security-client.ts'

export interface ServerOptions {
  host: string
  port: number
  name: string
  weight: number
  standby: boolean
  /** TLS and the handshake for new connections (absent: plain TCP). */
  session?: ServerSession
}

/** Everything out_forward needs, in milliseconds and plain values. */
export interface ForwardOutputOptions {
  servers: ServerOptions[]
  requireAckResponse: boolean
  ackResponseTimeoutMs: number
  sendTimeoutMs: number
  connectTimeoutMs: number
  keepalive: boolean
  keepaliveTimeoutMs: number
  sendKeepalivePacket: boolean
  compress: boolean
  timeAsInteger: boolean
  heartbeatType: 'transport' | 'udp' | 'none'
  heartbeatIntervalMs: number
  hardTimeoutMs: number
  recoverWaitMs: number
  phiFailureDetector: boolean
  phiThreshold: number
  verifyConnectionAtStartup: boolean
  /** null: keep a resolved address until the server is detached; 0: resolve every time. */
  expireDnsCacheMs: number | null
  dnsRoundRobin: boolean
  ignoreNetworkErrorsAtStartup: boolean
}

/** connect_timeout when it is not written (Fluentd leaves it to the OS: about 2 minutes on Linux). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

/** The settled options of a checked config (the descriptor's checkOutForward ran before). */
export function settleOutputOptions(config: OutForwardBaseConfig): ForwardOutputOptions {
  // Fluentd's rejections run before, in every runtime: checkOutForward (engine/schemas/out_forward.ts).
  const heartbeatType = config.heartbeat_type === 'tcp' ? 'transport' : config.heartbeat_type
  const ms = (s: number | null) => (s === null ? 0 : Math.round(s * 1000))
  return {
    servers: config.server.map((s) => ({
      host: s.host,
      port: s.port,
      name: s.name ?? `${s.host}:${s.port}`,
      weight: s.weight,
      standby: s.standby,
    })),
    requireAckResponse: config.require_ack_response,
    ackResponseTimeoutMs: ms(config.ack_response_timeout),
    sendTimeoutMs: ms(config.send_timeout),
    connectTimeoutMs: config.connect_timeout === null ? DEFAULT_CONNECT_TIMEOUT_MS : ms(config.connect_timeout),
    keepalive: config.keepalive,
    keepaliveTimeoutMs: ms(config.keepalive_timeout),
    sendKeepalivePacket: config.send_keepalive_packet,
    compress: config.compress === 'gzip',
    timeAsInteger: config.time_as_integer,
    heartbeatType,
    heartbeatIntervalMs: ms(config.heartbeat_interval),
    hardTimeoutMs: ms(config.hard_timeout),
    recoverWaitMs: ms(config.recover_wait),
    phiFailureDetector: config.phi_failure_detector,
    phiThreshold: config.phi_threshold,
    verifyConnectionAtStartup: config.verify_connection_at_startup,
    expireDnsCacheMs: config.expire_dns_cache === null ? null : ms(config.expire_dns_cache),
    dnsRoundRobin: config.dns_round_robin,
    ignoreNetworkErrorsAtStartup: config.ignore_network_errors_at_startup,
  }
}
