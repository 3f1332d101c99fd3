/**
 * @module The `<transport tls>` params of in_forward as plain data (Fluentd's names; no Node
 * imports, so the designer can load the schema in the browser), the TLS version names and the
 * version range rule shared with out_forward's `tls_version`. Settling (files, contexts) is in
 * tls.ts.
 */

export const TLS_VERSIONS = ['TLSv1_1', 'TLSv1_2', 'TLSv1_3', 'TLS1_1', 'TLS1_2', 'TLS1_3'] as const
export type TlsVersionName = (typeof TLS_VERSIONS)[number]
export type NodeTlsVersion = 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'

/** The TLS params of `<transport tls>` (besides `linger_timeout`, shared with tcp). */
export const tlsTransportParams = [
  {
    name: 'version',
    type: 'enum',
    values: TLS_VERSIONS,
    default: null,
    description: "Accept only this TLS version (Fluentd's default TLSv1_2 pins 1.2; unset in sluice: TLS 1.2 and 1.3).",
  },
  { name: 'min_version', type: 'enum', values: TLS_VERSIONS, default: null, description: 'The lowest TLS version accepted.' },
  { name: 'max_version', type: 'enum', values: TLS_VERSIONS, default: null, description: 'The highest TLS version accepted.' },
  { name: 'ciphers', type: 'string', default: null, description: "OpenSSL cipher list for TLS ≤ 1.2 (unset: Node's default list)." },
  {
    name: 'insecure',
    type: 'bool',
    default: false,
    description: 'Ignore `ciphers`; without cert_path, serve a generated self-signed certificate.',
  },
  { name: 'ensure_fips', type: 'bool', default: false, description: 'Refuse to start unless OpenSSL runs in FIPS mode.' },
  {
    name: 'ca_path',
    type: 'string',
    default: null,
    description: 'CA certificates (PEM) that client certificates must chain to (client_cert_auth).',
  },
  { name: 'cert_path', type: 'string', default: null, description: 'The server certificate (PEM; intermediates may follow).' },
  { name: 'private_key_path', type: 'string', default: null, description: "The server certificate's private key (PEM)." },
  { name: 'private_key_passphrase', type: 'string', default: null, secret: true, description: "The private key's passphrase." },
  {
    name: 'client_cert_auth',
    type: 'bool',
    default: false,
    description: 'Mutual TLS: require a client certificate that verifies against ca_path.',
  },
  {
    name: 'ca_cert_path',
    type: 'string',
    default: null,
    description: 'Without cert_path: a CA certificate that signs a server certificate generated at start.',
  },
  { name: 'ca_private_key_path', type: 'string', default: null, description: 'The private key of ca_cert_path.' },
  { name: 'ca_private_key_passphrase', type: 'string', default: null, secret: true, description: 'The passphrase of ca_private_key_path.' },
  { name: 'cert_verifier', type: 'string', default: null, description: "Fluentd's Ruby certificate verifier: not supported by sluice." },
  { name: 'generate_private_key_length', type: 'integer', default: 2048, description: 'RSA key bits of a generated certificate.' },
  { name: 'generate_cert_country', type: 'string', default: 'US', description: 'C of a generated certificate.' },
  { name: 'generate_cert_state', type: 'string', default: 'CA', description: 'ST of a generated certificate.' },
  { name: 'generate_cert_locality', type: 'string', default: 'Mountain View', description: 'L of a generated certificate.' },
  {
    name: 'generate_cert_common_name',
    type: 'string',
    default: null,
    description: 'CN of a generated certificate (default: the host name).',
  },
  { name: 'generate_cert_expiration', type: 'time', default: 10 * 365 * 86400, description: 'Validity of a generated certificate.' },
  {
    name: 'generate_cert_digest',
    type: 'enum',
    values: ['sha1', 'sha256', 'sha384', 'sha512'],
    default: 'sha256',
    description: 'Signature digest of a generated certificate.',
  },
] as const

/** The `<transport tls>` params as the schema types them. */
export interface TlsTransportConfig {
  version: TlsVersionName | null
  min_version: TlsVersionName | null
  max_version: TlsVersionName | null
  ciphers: string | null
  insecure: boolean
  ensure_fips: boolean
  ca_path: string | null
  cert_path: string | null
  private_key_path: string | null
  private_key_passphrase: string | null
  client_cert_auth: boolean
  ca_cert_path: string | null
  ca_private_key_path: string | null
  ca_private_key_passphrase: string | null
  cert_verifier: string | null
  generate_private_key_length: number
  generate_cert_country: string
  generate_cert_state: string
  generate_cert_locality: string
  generate_cert_common_name: string | null
  generate_cert_expiration: number
  generate_cert_digest: 'sha1' | 'sha256' | 'sha384' | 'sha512'
}

const ORDER: NodeTlsVersion[] = ['TLSv1.1', 'TLSv1.2', 'TLSv1.3']

/** `TLSv1_2` / `TLS1_2` → Node's `TLSv1.2`. */
export function nodeTlsVersion(name: TlsVersionName): NodeTlsVersion {
  return `TLSv1.${name.slice(-1)}` as NodeTlsVersion
}

/**
 * The accepted version range. Nothing set: TLS 1.2 to 1.3. `version` alone pins that version
 * (Fluentd). `min_version` / `max_version` may come alone (Fluentd wants both): the other end
 * stays at TLS 1.3 / the lower of TLS 1.2 and the max.
 */
export function versionRange(
  version: TlsVersionName | null,
  min: TlsVersionName | null,
  max: TlsVersionName | null,
): { minVersion: NodeTlsVersion; maxVersion: NodeTlsVersion } {
  if (min === null && max === null) {
    if (version === null) return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }
    return { minVersion: nodeTlsVersion(version), maxVersion: nodeTlsVersion(version) }
  }
  const maxVersion = max === null ? 'TLSv1.3' : nodeTlsVersion(max)
  const minVersion = min === null ? ORDER[Math.min(1, ORDER.indexOf(maxVersion))] : nodeTlsVersion(min)
  if (ORDER.indexOf(minVersion) > ORDER.indexOf(maxVersion)) throw new Error(`min_version ${min} is above max_version ${max}`)
  return { minVersion, maxVersion }
}
