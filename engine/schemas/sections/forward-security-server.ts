/**
 * @module The `<security>` section of in_forward as plain data (Fluentd's names and defaults; no
 * Node imports, so the designer can load the schema in the browser). The checks and the client
 * rules are in security.ts.
 */

import type { ConfigOf, PluginSchema } from '../../config/schema.ts'

export const securitySchema = {
  params: [
    {
      name: 'self_hostname',
      type: 'string',
      required: true,
      description: "This server's hostname in PONG (must differ from the client's own self_hostname).",
    },
    {
      name: 'shared_key',
      type: 'string',
      required: true,
      secret: true,
      description: 'The key clients must prove they know (per-client keys in <client>).',
    },
    { name: 'user_auth', type: 'bool', default: false, description: 'Also require a username and password from a <user> section.' },
    { name: 'allow_anonymous_source', type: 'bool', default: true, description: 'Accept clients that match no <client> section.' },
  ],
  sections: [
    {
      name: 'user',
      description: 'A user for user_auth.',
      multi: true,
      schema: {
        params: [
          { name: 'username', type: 'string', required: true, description: 'The username.' },
          { name: 'password', type: 'string', required: true, secret: true, description: 'The password.' },
        ],
      },
    },
    {
      name: 'client',
      description: 'A client host or network, with its own shared_key and allowed users.',
      multi: true,
      schema: {
        params: [
          { name: 'host', type: 'string', default: null, description: "The client's address or host name (resolved at start)." },
          {
            name: 'network',
            type: 'string',
            default: null,
            description: 'The client network: an address, address/prefix or address/netmask.',
          },
          {
            name: 'shared_key',
            type: 'string',
            default: null,
            secret: true,
            description: "This client's shared key (default: <security> shared_key).",
          },
          { name: 'users', type: 'array', default: [], description: 'Usernames this client may use (empty: any <user>).' },
        ],
      },
    },
  ],
} as const satisfies PluginSchema

export const securitySection = {
  name: 'security',
  description: 'The shared-key handshake (HELO/PING/PONG, Forward protocol §1.6).',
  schema: securitySchema,
} as const

export type SecurityConfig = ConfigOf<typeof securitySchema>
