/**
 * @module in_tcp's settled options: the config checked (Fluentd's messages where Fluentd checks
 * the same thing) and turned into what the listener, the framer and the record writer use.
 */

import { IN_TCP_DEFAULT_LENGTH_LIMIT, type InTcpConfig } from '../../../engine/schemas/in_tcp.ts'
import type { LineRecordOptions } from '../../net/line-records.ts'
import type { StreamConnectionOptions } from '../../net/stream-connection.ts'
import type { StreamListenerOptions } from '../../net/stream-listener.ts'
import { settleTlsServer } from '../../tls/server.ts'

export interface TcpOptions {
  listener: StreamListenerOptions
  connection: StreamConnectionOptions
  records: LineRecordOptions
  delimiter: Uint8Array
  messageLengthLimit: number
  /** Set when `<extract> time_key` is written (it has no effect: logged at start). */
  extractTimeKey: string | null
}

/** Checks the config; throws with the reason (reported at the directive's line). */
export function settleTcpOptions(config: InTcpConfig): TcpOptions {
  if (config.port < 0 || config.port > 65535) throw new Error(`port ${config.port} is out of range 0..65535`)
  const delimiter = new TextEncoder().encode(config.delimiter)
  if (delimiter.length === 0) throw new Error('delimiter must not be empty')
  const limit = config.message_length_limit ?? IN_TCP_DEFAULT_LENGTH_LIMIT
  if (limit < 1) throw new Error('message_length_limit must be at least 1 byte')
  if (config.max_connections < 1) throw new Error('max_connections must be at least 1')
  if (config.frame_timeout < 0) throw new Error('frame_timeout must be 0 (no limit) or more')
  if (config.handshake_timeout <= 0) throw new Error('handshake_timeout must be more than 0')
  const hostnameKey = config.source_hostname_key ?? config.source_host_key
  const tls = config.transport?.protocol === 'tls' ? settleTlsServer(config.transport) : null
  return {
    listener: {
      port: config.port,
      bind: config.bind,
      maxConnections: config.max_connections,
      resolveHostname: hostnameKey !== null,
      sendKeepalivePacket: config.send_keepalive_packet,
      tls,
      handshakeTimeoutMs: config.handshake_timeout * 1000,
      clients: config.security === undefined ? null : config.security.client.map((c) => ({ host: c.host, network: c.network })),
    },
    connection: {
      frameTimeoutMs: config.frame_timeout * 1000,
      idleTimeoutMs: config.idle_timeout === null ? 0 : config.idle_timeout * 1000,
      lingerTimeoutMs: Math.max(0, config.transport?.linger_timeout ?? 0) * 1000,
    },
    records: {
      tag: config.tag,
      tagKey: config.extract?.tag_key ?? null,
      keepTagKey: config.extract?.keep_tag_key ?? false,
      sourceAddressKey: config.source_address_key,
      sourceHostnameKey: hostnameKey,
    },
    delimiter,
    messageLengthLimit: limit,
    extractTimeKey: config.extract?.time_key ?? null,
  }
}
