/**
 * @module The edge forward output's schema (`@type forward`, Fluentd's out_forward names) and its
 * settled options. There is no buffer on the edge: a request's events are sent while the request
 * waits, so the defaults differ from Fluentd's where a request cannot wait minutes —
 * require_ack_response defaults to TRUE (the ack is the only proof of delivery the edge gets) and
 * the timeouts are seconds. Free of runtime imports: the designer reads it.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { serverSchema } from './sections/forward-server.ts'

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

export const outForwardEdgeDescriptor: PluginDescriptor<'output'> = {
  name: 'forward',
  kind: 'output',
  description: 'Sends events to a Fluentd / sluice in_forward over TCP (PackedForward, acks, shared-key handshake) within the request.',
  schema: outForwardSchema,
  runtimes: ['workers'],
}
