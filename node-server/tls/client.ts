/**
 * @module The TLS client of an output settled (Fluentd's out_forward `tls_*` params, shared by
 * out_forward and out_syslog; the schema is engine/schemas/sections/forward-security-client.ts):
 * CA certificates added to the
 * system store (`tls_ca_cert_path`, `tls_cert_path`), a client certificate for mutual TLS,
 * `tls_version`, `tls_ciphers`, `tls_verify_hostname` (SNI and the name checked: the host when it
 * is a name, else `<server> name`, else the address itself against the certificate's IP SANs),
 * `tls_allow_self_signed_cert` and `tls_insecure_mode`. Files are read at config time. `startTls`
 * upgrades a connected TCP socket and verifies the server after the handshake, so that a refusal
 * says exactly why.
 */

import { isIP, type Socket } from 'node:net'
import type { ConnectionOptions, TLSSocket } from 'node:tls'
import { nodeTls } from '../builtins.ts'
import { readPem } from './pem.ts'
import { versionRange } from '../../engine/schemas/sections/tls.ts'
import type { TlsClientConfig, TlsClientSettings } from '../../engine/schemas/sections/forward-security-client.ts'

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'])

/** Checks the `tls_*` params and reads their files; null for `transport tcp`. Throws with the reason. */
export function settleTlsClient(config: TlsClientConfig): TlsClientSettings | null {
  if (config.transport !== 'tls') return null
  if (config.tls_cert_thumbprint !== null || config.tls_cert_logical_store_name !== null) {
    throw new Error('tls_cert_thumbprint and tls_cert_logical_store_name are for the Windows certificate store only')
  }
  if ((config.tls_client_cert_path === null) !== (config.tls_client_private_key_path === null)) {
    throw new Error('tls_client_cert_path and tls_client_private_key_path go together')
  }
  const { minVersion, maxVersion } = versionRange(config.tls_version, null, null)
  const options: ConnectionOptions = { minVersion, maxVersion }
  const caPaths = (config.tls_cert_path ?? config.tls_ca_cert_path ?? []).map(String)
  if (caPaths.length > 0)
    options.ca = [...nodeTls().rootCertificates, ...caPaths.map((p) => readPem('tls_ca_cert_path', p).toString('utf8'))]
  if (config.tls_client_cert_path !== null) {
    options.cert = readPem('tls_client_cert_path', config.tls_client_cert_path)
    options.key = readPem('tls_client_private_key_path', config.tls_client_private_key_path!)
    if (config.tls_client_private_key_passphrase !== null) options.passphrase = config.tls_client_private_key_passphrase
  }
  if (config.tls_ciphers !== null) options.ciphers = config.tls_ciphers
  return {
    options,
    insecure: config.tls_insecure_mode,
    allowSelfSigned: config.tls_insecure_mode || config.tls_allow_self_signed_cert,
    verifyHostname: !config.tls_insecure_mode && config.tls_verify_hostname,
  }
}

/**
 * The name a server's certificate is checked against, and sent as SNI: the host when it is a
 * name, else `<server> name` when that is a name (Fluentd), else null (the address is checked
 * against the certificate's IP SANs, no SNI).
 */
export function tlsServername(host: string, name: string | null): string | null {
  if (isIP(host) === 0) return host
  if (name !== null && isIP(name) === 0 && /^[A-Za-z0-9.-]+$/.test(name)) return name
  return null
}

/**
 * Runs the TLS handshake on a connected socket (within `timeoutMs`) and verifies the server.
 * Rejects with the reason (certificate not trusted, hostname mismatch, handshake failure,
 * timeout, connection closed); the TLS socket is destroyed then.
 */
export function startTls(
  socket: Socket,
  settings: TlsClientSettings,
  host: string,
  servername: string | null,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = nodeTls().connect({
      ...(settings.options as ConnectionOptions),
      socket,
      ...(servername !== null ? { servername } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    })
    secure.on('error', () => undefined) // a late error (RST after our FIN) must not escape
    let timer: ReturnType<typeof setTimeout> | undefined
    const done = (err: Error | null): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      secure.off('error', onError)
      secure.off('close', onClose)
      if (err === null) return resolve(secure)
      secure.destroy()
      reject(err)
    }
    const onError = (err: Error): void => done(new Error(`TLS handshake failed: ${err.message.split('\n')[0]}`))
    const onClose = (): void => done(new Error('the server closed the connection during the TLS handshake'))
    const onAbort = (): void => done(new Error('the buffer gave up on the write'))
    if (timeoutMs > 0) timer = setTimeout(() => done(new Error(`TLS handshake timed out (${timeoutMs} ms)`)), timeoutMs)
    signal?.addEventListener('abort', onAbort, { once: true })
    secure.once('error', onError)
    secure.once('close', onClose)
    secure.once('secureConnect', () => done(verify(secure, settings, host, servername)))
  })
}

/** The post-handshake checks; null when the server is trusted. */
function verify(secure: TLSSocket, settings: TlsClientSettings, host: string, servername: string | null): Error | null {
  if (settings.insecure) return null
  if (!secure.authorized) {
    const code = String(secure.authorizationError)
    if (!(settings.allowSelfSigned && SELF_SIGNED.has(code))) {
      return new Error(
        `the server's TLS certificate is not trusted (${code}); add its CA with tls_ca_cert_path${SELF_SIGNED.has(code) ? ' or set tls_allow_self_signed_cert true' : ''}`,
      )
    }
  }
  if (!settings.verifyHostname) return null
  const err = nodeTls().checkServerIdentity(servername ?? host, secure.getPeerCertificate())
  return err === undefined
    ? null
    : new Error(
        `the server's TLS certificate does not match ${servername ?? host}: ${err.message} (set <server> name, or tls_verify_hostname false)`,
      )
}
