/**
 * @module `<transport tls>` for in_forward (Fluentd's server transport params): the certificate
 * and key (`cert_path` may hold the chain), `private_key_passphrase`, `ca_path` + `client_cert_auth`
 * (mutual TLS: a client without a certificate signed by that CA is refused), `version` /
 * `min_version` / `max_version`, `ciphers`, `insecure`. Settled at config time (files are read
 * and the context built then, so a wrong path or passphrase is a config error); the TLS server it
 * makes never listens: in_forward's own listener hands it accepted sockets (see admission.ts).
 */

import { getFips } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type Server as TlsServer, type TlsOptions } from 'node:tls'
import { certificatePair } from '../forward-security/certificate.ts'

export const TLS_VERSIONS = ['TLSv1_1', 'TLSv1_2', 'TLSv1_3', 'TLS1_1', 'TLS1_2', 'TLS1_3'] as const
type TlsVersionName = (typeof TLS_VERSIONS)[number]
type NodeTlsVersion = 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'

/** The TLS params of `<transport tls>` (besides `linger_timeout`, shared with tcp). */
export const tlsTransportParams = [
  { name: 'version', type: 'enum', values: TLS_VERSIONS, default: null, description: 'Accept only this TLS version (Fluentd\'s default TLSv1_2 pins 1.2; unset in sluice: TLS 1.2 and 1.3).' },
  { name: 'min_version', type: 'enum', values: TLS_VERSIONS, default: null, description: 'The lowest TLS version accepted.' },
  { name: 'max_version', type: 'enum', values: TLS_VERSIONS, default: null, description: 'The highest TLS version accepted.' },
  { name: 'ciphers', type: 'string', default: null, description: 'OpenSSL cipher list for TLS ≤ 1.2 (unset: Node\'s default list).' },
  { name: 'insecure', type: 'bool', default: false, description: 'Ignore `ciphers`; without cert_path, serve a generated self-signed certificate.' },
  { name: 'ensure_fips', type: 'bool', default: false, description: 'Refuse to start unless OpenSSL runs in FIPS mode.' },
  { name: 'ca_path', type: 'string', default: null, description: 'CA certificates (PEM) that client certificates must chain to (client_cert_auth).' },
  { name: 'cert_path', type: 'string', default: null, description: 'The server certificate (PEM; intermediates may follow).' },
  { name: 'private_key_path', type: 'string', default: null, description: 'The server certificate\'s private key (PEM).' },
  { name: 'private_key_passphrase', type: 'string', default: null, secret: true, description: 'The private key\'s passphrase.' },
  { name: 'client_cert_auth', type: 'bool', default: false, description: 'Mutual TLS: require a client certificate that verifies against ca_path.' },
  { name: 'ca_cert_path', type: 'string', default: null, description: 'Without cert_path: a CA certificate that signs a server certificate generated at start.' },
  { name: 'ca_private_key_path', type: 'string', default: null, description: 'The private key of ca_cert_path.' },
  { name: 'ca_private_key_passphrase', type: 'string', default: null, secret: true, description: 'The passphrase of ca_private_key_path.' },
  { name: 'cert_verifier', type: 'string', default: null, description: 'Fluentd\'s Ruby certificate verifier: not supported by sluice.' },
  { name: 'generate_private_key_length', type: 'integer', default: 2048, description: 'RSA key bits of a generated certificate.' },
  { name: 'generate_cert_country', type: 'string', default: 'US', description: 'C of a generated certificate.' },
  { name: 'generate_cert_state', type: 'string', default: 'CA', description: 'ST of a generated certificate.' },
  { name: 'generate_cert_locality', type: 'string', default: 'Mountain View', description: 'L of a generated certificate.' },
  { name: 'generate_cert_common_name', type: 'string', default: null, description: 'CN of a generated certificate (default: the host name).' },
  { name: 'generate_cert_expiration', type: 'time', default: 10 * 365 * 86400, description: 'Validity of a generated certificate.' },
  { name: 'generate_cert_digest', type: 'enum', values: ['sha1', 'sha256', 'sha384', 'sha512'], default: 'sha256', description: 'Signature digest of a generated certificate.' },
] as const

/** The settled TLS transport: options for `tls.createServer` and what to say about it at start. */
export interface TlsServerSettings {
  options: TlsOptions
  clientCertAuth: boolean
  minVersion: NodeTlsVersion
  maxVersion: NodeTlsVersion
  /** Set when the certificate was generated (insecure or ca_cert_path): logged at start. */
  generated: string | null
}

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
export function versionRange(version: TlsVersionName | null, min: TlsVersionName | null, max: TlsVersionName | null): { minVersion: NodeTlsVersion; maxVersion: NodeTlsVersion } {
  if (min === null && max === null) {
    if (version === null) return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' }
    return { minVersion: nodeTlsVersion(version), maxVersion: nodeTlsVersion(version) }
  }
  const maxVersion = max === null ? 'TLSv1.3' : nodeTlsVersion(max)
  const minVersion = min === null ? ORDER[Math.min(1, ORDER.indexOf(maxVersion))] : nodeTlsVersion(min)
  if (ORDER.indexOf(minVersion) > ORDER.indexOf(maxVersion)) throw new Error(`min_version ${min} is above max_version ${max}`)
  return { minVersion, maxVersion }
}

/** Reads a file for a TLS param; the error names the param. */
export function readPem(param: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new Error(`${param}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

/** Checks `<transport tls>` and builds its options; throws with the reason (a config error). */
export function settleTlsServer(t: TlsTransportConfig): TlsServerSettings {
  if (t.cert_verifier !== null) throw new Error('cert_verifier (Ruby code) is not supported by sluice; use ca_path with client_cert_auth')
  if (t.ensure_fips && !getFips()) throw new Error('Cannot enable FIPS compliant mode. OpenSSL FIPS configuration is disabled')
  const { minVersion, maxVersion } = versionRange(t.version, t.min_version, t.max_version)
  let cert: Buffer | string
  let key: Buffer | string
  let passphrase: string | undefined
  let generated: string | null = null
  if (t.cert_path !== null) {
    if (t.private_key_path === null) throw new Error('private_key_path is required when cert_path is specified')
    cert = readPem('cert_path', t.cert_path)
    key = readPem('private_key_path', t.private_key_path)
    passphrase = t.private_key_passphrase ?? undefined
  } else if (t.ca_cert_path !== null || t.insecure) {
    if (t.ca_cert_path !== null && t.ca_private_key_path === null) throw new Error('ca_private_key_path is required when ca_cert_path is specified')
    const issuer = t.ca_cert_path === null ? null : {
      cert: readPem('ca_cert_path', t.ca_cert_path).toString('utf8'),
      key: readPem('ca_private_key_path', t.ca_private_key_path!).toString('utf8'),
      passphrase: t.ca_private_key_passphrase ?? undefined,
    }
    const pair = certificatePair({
      commonName: t.generate_cert_common_name,
      country: t.generate_cert_country,
      state: t.generate_cert_state,
      locality: t.generate_cert_locality,
      keyBits: t.generate_private_key_length,
      validitySeconds: t.generate_cert_expiration,
      digest: t.generate_cert_digest,
      issuer,
    })
    cert = pair.cert
    key = pair.key
    generated = issuer === null ? 'a generated self-signed certificate (insecure)' : `a certificate generated at start, signed by ${t.ca_cert_path}`
  } else {
    throw new Error('no valid cert options configured. specify either \'cert_path\', \'ca_cert_path\' or \'insecure\'')
  }
  const options: TlsOptions = {
    cert,
    key,
    passphrase,
    minVersion,
    maxVersion,
    requestCert: t.client_cert_auth,
    // Checked by admission.ts after the handshake, so that every refusal gets its log line
    // (Node would close an untrusted certificate silently).
    rejectUnauthorized: false,
  }
  if (t.ca_path !== null) options.ca = readPem('ca_path', t.ca_path)
  if (t.ciphers !== null && !t.insecure) options.ciphers = t.ciphers
  try {
    // Builds the context now: a key that does not match, a wrong passphrase, a bad cipher list fail here.
    createServer(options).close()
  } catch (err) {
    throw new Error(`<transport tls>: ${(err as Error).message}`)
  }
  return { options, clientCertAuth: t.client_cert_auth, minVersion, maxVersion, generated }
}

/** A TLS server that never listens: accepted TCP sockets are injected with `emit('connection')`. */
export function injectionServer(settings: TlsServerSettings, handshakeTimeoutMs: number): TlsServer {
  // in_forward's handshake_timeout closes first and logs; Node's own timeout is only a backstop.
  return createServer({ ...settings.options, handshakeTimeout: handshakeTimeoutMs + 1_000 })
}
