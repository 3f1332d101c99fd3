/**
 * @module out_syslog's settled options: Fluent Bit's checks (presets in range, the format), the
 * message size (0: 2048 for RFC 5424, 1024 for RFC 3164; a UDP message must fit one datagram),
 * the record keys as bytes, and the TLS client settings for `mode tls` (out_forward's `tls_*`).
 */

import type { TlsClientSettings } from '../../../engine/schemas/sections/forward-security-client.ts'
import type { OutSyslogConfig } from '../../../engine/schemas/out_syslog.ts'
import { settleTlsClient } from '../../tls/client.ts'

/** The largest UDP payload over IPv4. */
export const MAX_DATAGRAM = 65_507

export interface SyslogFields {
  severityKey: Uint8Array | null
  facilityKey: Uint8Array | null
  hostnameKey: Uint8Array | null
  appnameKey: Uint8Array | null
  procidKey: Uint8Array | null
  msgidKey: Uint8Array | null
  messageKey: Uint8Array | null
  sdKeys: Uint8Array[]
  severityPreset: number
  facilityPreset: number
  hostnamePreset: Uint8Array | null
  appnamePreset: Uint8Array | null
  procidPreset: Uint8Array | null
  msgidPreset: Uint8Array | null
}

export interface SyslogOutputOptions {
  host: string
  port: number
  mode: 'udp' | 'tcp' | 'tls'
  frameType: 'octet_count' | 'traditional'
  format: 'rfc5424' | 'rfc3164'
  maxSize: number
  allowLongerSdId: boolean
  fields: SyslogFields
  connectTimeoutMs: number
  sendTimeoutMs: number
  sendKeepalivePacket: boolean
  tls: TlsClientSettings | null
}

const encoder = new TextEncoder()
const bytesOf = (text: string | null): Uint8Array | null => (text === null ? null : encoder.encode(text))

export function settleSyslogOutput(config: OutSyslogConfig): SyslogOutputOptions {
  if (config.port < 1 || config.port > 65535) throw new Error(`port ${config.port} is out of range 1..65535`)
  if (config.syslog_severity_preset < 0 || config.syslog_severity_preset > 7) {
    throw new Error(`invalid severity level ${config.syslog_severity_preset}. It should be 0-7.`)
  }
  if (config.syslog_facility_preset < 0 || config.syslog_facility_preset > 23) {
    throw new Error(`invalid facility level ${config.syslog_facility_preset}. It should be 0-23.`)
  }
  const maxSize = config.syslog_maxsize > 0 ? config.syslog_maxsize : config.syslog_format === 'rfc3164' ? 1024 : 2048
  if (config.mode === 'udp' && maxSize > MAX_DATAGRAM) {
    throw new Error(`syslog_maxsize ${maxSize} does not fit one UDP datagram (at most ${MAX_DATAGRAM} bytes); lower it or use mode tcp`)
  }
  if (config.connect_timeout <= 0) throw new Error('connect_timeout must be more than 0')
  if (config.send_timeout <= 0) throw new Error('send_timeout must be more than 0')
  return {
    host: config.host,
    port: config.port,
    mode: config.mode,
    frameType: config.frame_type,
    format: config.syslog_format,
    maxSize,
    allowLongerSdId: config.allow_longer_sd_id,
    fields: {
      severityKey: bytesOf(config.syslog_severity_key),
      facilityKey: bytesOf(config.syslog_facility_key),
      hostnameKey: bytesOf(config.syslog_hostname_key),
      appnameKey: bytesOf(config.syslog_appname_key),
      procidKey: bytesOf(config.syslog_procid_key),
      msgidKey: bytesOf(config.syslog_msgid_key),
      messageKey: bytesOf(config.syslog_message_key),
      sdKeys: (config.syslog_sd_key ?? []).map((k) => encoder.encode(k)),
      severityPreset: config.syslog_severity_preset,
      facilityPreset: config.syslog_facility_preset,
      hostnamePreset: bytesOf(config.syslog_hostname_preset),
      appnamePreset: bytesOf(config.syslog_appname_preset),
      procidPreset: bytesOf(config.syslog_procid_preset),
      msgidPreset: bytesOf(config.syslog_msgid_preset),
    },
    connectTimeoutMs: config.connect_timeout * 1000,
    sendTimeoutMs: config.send_timeout * 1000,
    sendKeepalivePacket: config.send_keepalive_packet,
    tls: settleTlsClient({ ...config, transport: config.mode === 'tls' ? 'tls' : 'tcp' }),
  }
}
