/**
 * @module `<transport tls>` of a server input settled (Fluentd's server transport params, shared by
 * in_forward, in_tcp and in_syslog; the schema is engine/schemas/sections/tls.ts): the certificate
 * and key (`cert_path` may hold the chain),
 * `private_key_passphrase`, `ca_path` + `client_cert_auth`
 * (mutual TLS: a client without a certificate signed by that CA is refused), `version` /
 * `min_version` / `max_version`, `ciphers`, `insecure`. Settled at config time (files are read
 * and the context built then, so a wrong path or passphrase is a config error); the TLS server it
 * makes never listens: the input's own listener hands it accepted sockets (in_forward's
 * admission.ts, node-server/net/tls-admission.ts).
 */

import type { Server as TlsServer, TlsOptions } from 'node:tls'
import { nodeCrypto, nodeTls } from '../builtins.ts'
import { certificatePair } from './certificate.ts'
import { readPem } from './pem.ts'
import { versionRange, type NodeTlsVersion, type TlsTransportConfig } from '../../engine/schemas/sections/tls.ts'

/** The settled TLS transport: options for `tls.createServer` and what to say about it at start. */
export interface TlsServerSettings {
  options: TlsOptions
  clientCertAuth: boolean
  minVersion: NodeTlsVersion
  maxVersion: NodeTlsVersion
  /** Set when the certificate was generated (insecure or ca_cert_path): logged at start. */
  generated: string | null
}

/** Checks `<transport tls>` and builds its options; throws with the reason (a config error). */
export function settleTlsServer(t: TlsTransportConfig): TlsServerSettings {
  if (t.cert_verifier !== null) throw new Error('cert_verifier (Ruby code) is not supported by sluice; use ca_path with client_cert_auth')
  if (t.ensure_fips && !nodeCrypto().getFips()) throw new Error('Cannot enable FIPS compliant mode. OpenSSL FIPS configuration is disabled')
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
    if (t.ca_cert_path !== null && t.ca_private_key_path === null)
      throw new Error('ca_private_key_path is required when ca_cert_path is specified')
    const issuer =
      t.ca_cert_path === null
        ? null
        : {
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
    generated =
      issuer === null ? 'a generated self-signed certificate (insecure)' : `a certificate generated at start, signed by ${t.ca_cert_path}`
  } else {
    throw new Error("no valid cert options configured. specify either 'cert_path', 'ca_cert_path' or 'insecure'")
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
    nodeTls().createServer(options).close()
  } catch (err) {
    throw new Error(`<transport tls>: ${(err as Error).message}`)
  }
  return { options, clientCertAuth: t.client_cert_auth, minVersion, maxVersion, generated }
}

/** A TLS server that never listens: accepted TCP sockets are injected with `emit('connection')`. */
export function injectionServer(settings: TlsServerSettings, handshakeTimeoutMs: number): TlsServer {
  // in_forward's handshake_timeout closes first and logs; Node's own timeout is only a backstop.
  return nodeTls().createServer({ ...settings.options, handshakeTimeout: handshakeTimeoutMs + 1_000 })
}
