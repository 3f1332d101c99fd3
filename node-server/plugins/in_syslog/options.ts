/**
 * @module in_syslog's settled options: the transport (`protocol_type` overrides `<transport>`),
 * Fluentd's configure-time checks and messages (include_source_host with source_address_key,
 * resolve_hostname false with source_hostname_key, send_keepalive_packet over UDP), and whether
 * the parser reads the PRI itself (Fluentd: the parser responds to `with_priority` and it is true —
 * only the syslog parser does).
 */

import type { PluginSectionConfig } from '../../../engine/plugin.ts'
import type { InSyslogConfig } from '../../../engine/schemas/in_syslog.ts'
import type { FrameType } from '../../net/framing.ts'
import type { StreamConnectionOptions } from '../../net/stream-connection.ts'
import type { StreamListenerOptions } from '../../net/stream-listener.ts'
import { settleTlsServer } from '../../tls/server.ts'
import type { UdpListenerOptions } from '../../net/udp-listener.ts'
import type { SyslogRecordOptions } from './messages.ts'

export interface SyslogOptions {
  protocol: 'udp' | 'tcp' | 'tls'
  frameType: FrameType
  delimiter: Uint8Array
  maxFrameSize: number
  udp: UdpListenerOptions
  listener: StreamListenerOptions
  connection: StreamConnectionOptions
  records: SyslogRecordOptions
  /** Warnings to log at start (deprecated names, params without effect). */
  warnings: string[]
}

/** Does this `<parse>` read the PRI (Fluentd: `respond_to?(:with_priority) && with_priority`)? */
export function parserReadsPri(parse: PluginSectionConfig): boolean {
  return parse['@type'] === 'syslog' && parse.with_priority === true
}

export function settleSyslogOptions(config: InSyslogConfig, priorityKeyWritten: boolean): SyslogOptions {
  if (config.port < 0 || config.port > 65535) throw new Error(`port ${config.port} is out of range 0..65535`)
  const warnings: string[] = []
  if (priorityKeyWritten) warnings.push('priority_key is deprecated. Use severity_key instead')
  let sourceAddressKey = config.source_address_key
  if (config.include_source_host) {
    if (sourceAddressKey !== null) throw new Error('specify either source_address_key or include_source_host')
    sourceAddressKey = config.source_host_key
  }
  if (config.source_hostname_key !== null && config.resolve_hostname === false) {
    throw new Error('resolve_hostname must be true with source_hostname_key')
  }
  const transport = config.transport
  const protocol = config.protocol_type ?? transport.protocol
  if (config.send_keepalive_packet && protocol === 'udp') throw new Error('send_keepalive_packet is available for tcp/tls')
  if (protocol !== 'udp' && transport.receive_buffer_size !== null) {
    warnings.push('receive_buffer_size applies to UDP only; it has no effect with tcp/tls')
  }
  const delimiter = new TextEncoder().encode(config.delimiter)
  if (delimiter.length === 0) throw new Error('delimiter must not be empty')
  if (config.message_length_limit < 1) throw new Error('message_length_limit must be at least 1 byte')
  if (config.max_frame_size < 1) throw new Error('max_frame_size must be at least 1 byte')
  if (config.max_connections < 1) throw new Error('max_connections must be at least 1')
  if (config.frame_timeout < 0) throw new Error('frame_timeout must be 0 (no limit) or more')
  if (config.handshake_timeout <= 0) throw new Error('handshake_timeout must be more than 0')
  const resolveHostname = config.resolve_hostname === true || config.source_hostname_key !== null
  return {
    protocol,
    frameType: config.frame_type,
    delimiter,
    maxFrameSize: config.max_frame_size,
    udp: {
      port: config.port,
      bind: config.bind,
      receiveSize: config.message_length_limit,
      receiveBufferSize: transport.receive_buffer_size,
      resolveHostname,
    },
    listener: {
      port: config.port,
      bind: config.bind,
      maxConnections: config.max_connections,
      resolveHostname,
      sendKeepalivePacket: config.send_keepalive_packet,
      tls: protocol === 'tls' ? settleTlsServer(transport) : null,
      handshakeTimeoutMs: config.handshake_timeout * 1000,
      clients: null,
    },
    connection: {
      frameTimeoutMs: config.frame_timeout * 1000,
      idleTimeoutMs: config.idle_timeout === null ? 0 : config.idle_timeout * 1000,
      lingerTimeoutMs: Math.max(0, transport.linger_timeout) * 1000,
    },
    records: {
      tag: config.tag,
      parserReadsPri: parserReadsPri(config.parse as PluginSectionConfig),
      severityKey: config.severity_key,
      facilityKey: config.facility_key,
      sourceAddressKey,
      sourceHostnameKey: config.source_hostname_key,
      emitUnmatchedLines: config.emit_unmatched_lines,
    },
    warnings,
  }
}
