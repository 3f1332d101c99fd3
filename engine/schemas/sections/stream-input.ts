/**
 * @module Params and sections shared by the line and syslog inputs (in_tcp, in_udp, in_syslog) as
 * plain data: sluice's connection limits (the same names and defaults as in_forward's), Fluentd's
 * `<security><client>` allow-list of in_tcp, the `<extract>` section of Fluentd's extract helper,
 * and the `<transport>` params (linger_timeout, receive_buffer_size, the TLS params). Settling is
 * in node-server/net/.
 */

import type { ParamSpec, SectionSpec } from '../../config/schema.ts'
import { tlsTransportParams } from './tls.ts'

/** max_connections, idle_timeout, frame_timeout, handshake_timeout for stream (TCP/TLS) listeners. */
export const streamLimitParams = [
  {
    name: 'max_connections',
    type: 'integer',
    default: 10_000,
    description: 'Open connections at most; newer ones are closed at once with a log line (sluice).',
  },
  { name: 'idle_timeout', type: 'time', default: null, description: 'Close a connection that sent nothing for this long (unset: never).' },
  {
    name: 'frame_timeout',
    type: 'time',
    default: 60,
    description:
      'Close a connection when one message takes longer than this to arrive once it started (slowloris; 0: never). Paused time (backpressure) does not count.',
  },
  {
    name: 'handshake_timeout',
    type: 'time',
    default: 30,
    description: 'With <transport tls>: close a connection whose TLS handshake is not done within this long.',
  },
] as const satisfies readonly ParamSpec[]

/** in_tcp's `<security>`: only `<client host|network>` rules (an allow-list, no shared key). */
export const clientAllowSection = {
  name: 'security',
  description: 'Accept connections only from the listed clients.',
  schema: {
    params: [],
    sections: [
      {
        name: 'client',
        description: 'A client host or network allowed to connect.',
        multi: true,
        required: true,
        schema: {
          params: [
            { name: 'host', type: 'string', default: null, description: "The client's address or host name (resolved at start)." },
            {
              name: 'network',
              type: 'string',
              default: null,
              description: 'The client network: an address, address/prefix or address/netmask.',
            },
          ],
        },
      },
    ],
  },
} as const satisfies SectionSpec

/** Fluentd's `<extract>` (plugin_helper/extract): the tag (and time) from a record field. */
export const extractSection = {
  name: 'extract',
  description: 'Take the event tag from a record field.',
  schema: {
    params: [
      { name: 'tag_key', type: 'string', default: null, description: "The record field whose value (to_s) becomes the event's tag." },
      { name: 'keep_tag_key', type: 'bool', default: false, description: 'Keep tag_key in the record.' },
      {
        name: 'time_key',
        type: 'string',
        default: null,
        description: 'Accepted as in Fluentd; no effect here: the parser always gives a time (records it cannot time are unmatched).',
      },
      { name: 'keep_time_key', type: 'bool', default: false, description: 'With time_key (no effect, see time_key).' },
      {
        name: 'time_type',
        type: 'enum',
        values: ['float', 'unixtime', 'string'],
        default: 'float',
        description: 'With time_key (no effect, see time_key).',
      },
      { name: 'time_format', type: 'string', default: null, description: 'With time_key (no effect, see time_key).' },
      { name: 'localtime', type: 'bool', default: true, description: 'With time_key (no effect, see time_key).' },
      { name: 'utc', type: 'bool', default: false, description: 'With time_key (no effect, see time_key).' },
      { name: 'timezone', type: 'string', default: null, description: 'With time_key (no effect, see time_key).' },
    ],
  },
} as const satisfies SectionSpec

export const lingerTimeoutParam = {
  name: 'linger_timeout',
  type: 'integer',
  default: 0,
  description:
    'Seconds to wait for the peer to close after sluice closed a connection; 0 closes at once once the last write is flushed (Fluentd: RST).',
} as const satisfies ParamSpec

export const receiveBufferSizeParam = {
  name: 'receive_buffer_size',
  type: 'size',
  default: null,
  description: 'UDP: the socket receive buffer (SO_RCVBUF; unset: the OS default). Not used for TCP.',
} as const satisfies ParamSpec

/** The `<transport>` params of a TCP/TLS input besides the protocol argument. */
export const streamTransportParams = [lingerTimeoutParam, ...tlsTransportParams] as const
