/**
 * @module in_udp's config schema (Fluentd v1.18 in_udp: names and defaults). One datagram is one
 * message, cut at message_length_limit bytes; `<parse>` is required.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { extractSection, receiveBufferSizeParam } from './sections/stream-input.ts'

export const inUdpSchema = {
  params: [
    { name: 'tag', type: 'string', required: true, description: 'The tag of the events.' },
    { name: 'port', type: 'integer', default: 5160, description: 'UDP port to listen on.' },
    { name: 'bind', type: 'string', default: '0.0.0.0', description: 'Address to listen on.' },
    {
      name: 'source_host_key',
      type: 'string',
      default: null,
      description: 'Old name of source_hostname_key.',
      deprecated: 'use source_hostname_key instead',
    },
    {
      name: 'source_hostname_key',
      type: 'string',
      default: null,
      description: "Add the sender's host name (reverse DNS, cached) to every record under this key.",
    },
    {
      name: 'source_address_key',
      type: 'string',
      default: null,
      description: "Add the sender's IP address to every record under this key.",
    },
    {
      name: 'body_size_limit',
      type: 'size',
      default: null,
      description: 'Old name of message_length_limit.',
      deprecated: 'use message_length_limit instead',
    },
    {
      name: 'message_length_limit',
      type: 'size',
      default: 4096,
      description: 'Bytes read of each datagram (the receive size): longer datagrams are cut.',
    },
    {
      name: 'remove_newline',
      type: 'bool',
      default: true,
      description: 'Remove one trailing newline ("\\n", "\\r\\n" or "\\r") from each datagram.',
    },
    {
      ...receiveBufferSizeParam,
      deprecated: 'use receive_buffer_size in <transport udp> instead',
    },
    { name: 'blocking_timeout', type: 'time', default: 0.5, description: 'Accepted for Fluentd compatibility; sluice never blocks.' },
  ],
  sections: [
    {
      name: 'parse',
      description: 'The parser of each datagram (required).',
      required: true,
      plugin: { kind: 'parser', defaultType: null },
      schema: { params: [] },
    },
    {
      name: 'transport',
      description: 'Transport: udp only.',
      schema: {
        argument: { name: 'protocol', type: 'enum', values: ['udp'], default: 'udp', description: 'udp' },
        params: [receiveBufferSizeParam],
      },
    },
    extractSection,
  ],
  compat: { convert: ['parser'] },
} as const satisfies PluginSchema

export type InUdpConfig = ConfigOf<typeof inUdpSchema>

export const inUdpDescriptor: PluginDescriptor<'input'> = {
  name: 'udp',
  kind: 'input',
  description: 'Receives text messages in UDP datagrams (one per datagram) and parses each with <parse>.',
  schema: inUdpSchema,
  runtimes: ['node'],
}
