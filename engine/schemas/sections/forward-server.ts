/**
 * @module The `<server>` section of a Forward output — one receiver, with Fluentd's out_forward
 * parameters — shared by node-server's and the edge's out_forward (runtime-free: the designer
 * reads it too).
 */

import type { PluginSchema } from '../../config/schema.ts'

export const serverSchema = {
  params: [
    {
      name: 'host',
      type: 'string',
      required: true,
      description: 'Host name or address of the receiver (sluice, Fluentd or Fluent Bit in_forward).',
    },
    {
      name: 'name',
      type: 'string',
      default: null,
      description: 'Name in logs (default host:port); with TLS and an address as host, the name the certificate is checked against.',
    },
    { name: 'port', type: 'integer', default: 24224, description: 'TCP port (and UDP heartbeat port).' },
    { name: 'weight', type: 'integer', default: 60, description: 'Load-balancing weight (0: never used).' },
    { name: 'standby', type: 'bool', default: false, description: 'Used only while regular servers are unavailable.' },
    {
      name: 'shared_key',
      type: 'string',
      default: null,
      secret: true,
      description: "This server's shared key (default: <security> shared_key).",
    },
    { name: 'username', type: 'string', default: '', description: 'The user for a server with user_auth (needs <security>).' },
    { name: 'password', type: 'string', default: '', secret: true, description: 'The password of username.' },
  ],
} as const satisfies PluginSchema
