/**
 * @module out_forward's `<security>` section and `tls_*` params as plain data (Fluentd's names
 * and defaults; no Node imports, so the designer can load the schema in the browser), and the
 * shapes of a server's settled session. Settling is in session.ts and tls.ts.
 */

import type { ConfigOf, PluginSchema } from '../../config/schema.ts'
import { TLS_VERSIONS } from './tls.ts'

export const securitySchema = {
  params: [
    {
      name: 'self_hostname',
      type: 'string',
      required: true,
      description: "This sender's hostname in PING (must differ from the server's).",
    },
    {
      name: 'shared_key',
      type: 'string',
      required: true,
      secret: true,
      description: 'The shared key (a <server> shared_key overrides it).',
    },
  ],
} as const satisfies PluginSchema

export const securitySection = {
  name: 'security',
  description: 'The shared-key handshake (HELO/PING/PONG, Forward protocol §1.6).',
  schema: securitySchema,
} as const

export type SecurityConfig = ConfigOf<typeof securitySchema>

export const tlsClientParams = [
  {
    name: 'tls_version',
    type: 'enum',
    values: TLS_VERSIONS,
    default: null,
    description: "Use only this TLS version (Fluentd's default TLSv1_2 pins 1.2; unset in sluice: TLS 1.2 and 1.3).",
  },
  { name: 'tls_ciphers', type: 'string', default: null, description: "OpenSSL cipher list for TLS ≤ 1.2 (unset: Node's default list)." },
  { name: 'tls_insecure_mode', type: 'bool', default: false, description: 'Verify nothing (no certificate or hostname check).' },
  {
    name: 'tls_allow_self_signed_cert',
    type: 'bool',
    default: false,
    description: 'Accept a self-signed server certificate (the hostname is still checked).',
  },
  {
    name: 'tls_verify_hostname',
    type: 'bool',
    default: true,
    description: 'Check the certificate against the host (or <server> name when host is an address).',
  },
  { name: 'tls_ca_cert_path', type: 'array', default: null, description: 'CA certificates (PEM files) trusted besides the system ones.' },
  {
    name: 'tls_cert_path',
    type: 'array',
    default: null,
    description: "Same as tls_ca_cert_path (Fluentd's older name; replaces it when both are set).",
  },
  { name: 'tls_client_cert_path', type: 'string', default: null, description: 'Client certificate (PEM) for mutual TLS.' },
  { name: 'tls_client_private_key_path', type: 'string', default: null, description: "The client certificate's private key (PEM)." },
  {
    name: 'tls_client_private_key_passphrase',
    type: 'string',
    default: null,
    secret: true,
    description: "The client private key's passphrase.",
  },
  {
    name: 'tls_cert_thumbprint',
    type: 'string',
    default: null,
    secret: true,
    description: 'Windows certificate store only: not supported by sluice.',
  },
  {
    name: 'tls_cert_logical_store_name',
    type: 'string',
    default: null,
    description: 'Windows certificate store only: not supported by sluice.',
  },
  {
    name: 'tls_cert_use_enterprise_store',
    type: 'bool',
    default: true,
    description: 'Windows certificate store only: accepted, no effect.',
  },
] as const

export interface TlsClientConfig {
  transport: 'tcp' | 'tls'
  tls_version: (typeof TLS_VERSIONS)[number] | null
  tls_ciphers: string | null
  tls_insecure_mode: boolean
  tls_allow_self_signed_cert: boolean
  tls_verify_hostname: boolean
  tls_ca_cert_path: unknown[] | null
  tls_cert_path: unknown[] | null
  tls_client_cert_path: string | null
  tls_client_private_key_path: string | null
  tls_client_private_key_passphrase: string | null
  tls_cert_thumbprint: string | null
  tls_cert_logical_store_name: string | null
}

export interface TlsClientSettings {
  /** Options for `tls.connect` (certificates, versions, ciphers); verification is done after. */
  options: object
  insecure: boolean
  allowSelfSigned: boolean
  verifyHostname: boolean
}

/** What this client proves to one server. */
export interface ClientSecurity {
  selfHostname: string
  sharedKey: string
  username: string
  password: string
}

/** How to open a session with one server. */
export interface ServerSession {
  tls: TlsClientSettings | null
  /** The name checked against the certificate and sent as SNI (null: the address, no SNI). */
  servername: string | null
  security: ClientSecurity | null
}
