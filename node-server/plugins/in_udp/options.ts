/**
 * @module in_udp's settled options: deprecated names folded in (`body_size_limit`,
 * `source_host_key`, top-level `receive_buffer_size`), the config checked.
 */

import type { InUdpConfig } from '../../../engine/schemas/in_udp.ts'
import type { LineRecordOptions } from '../../net/line-records.ts'
import type { UdpListenerOptions } from '../../net/udp-listener.ts'

export interface UdpOptions {
  listener: UdpListenerOptions
  records: LineRecordOptions
  removeNewline: boolean
  extractTimeKey: string | null
}

export function settleUdpOptions(config: InUdpConfig): UdpOptions {
  if (config.port < 0 || config.port > 65535) throw new Error(`port ${config.port} is out of range 0..65535`)
  const receiveSize = config.body_size_limit ?? config.message_length_limit
  if (receiveSize < 1) throw new Error('message_length_limit must be at least 1 byte')
  const hostnameKey = config.source_hostname_key ?? config.source_host_key
  return {
    listener: {
      port: config.port,
      bind: config.bind,
      receiveSize,
      receiveBufferSize: config.transport?.receive_buffer_size ?? config.receive_buffer_size,
      resolveHostname: hostnameKey !== null,
    },
    records: {
      tag: config.tag,
      tagKey: config.extract?.tag_key ?? null,
      keepTagKey: config.extract?.keep_tag_key ?? false,
      sourceAddressKey: config.source_address_key,
      sourceHostnameKey: hostnameKey,
    },
    removeNewline: config.remove_newline,
    extractTimeKey: config.extract?.time_key ?? null,
  }
}
