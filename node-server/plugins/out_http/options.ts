/**
 * @module out_http's settled options: the config checked as Fluentd's configure does (the
 * Content-Type follows the formatter, as Fluentd's setup_content_type).
 */

import { contentTypeOf } from '../../../engine/output/http/body.ts'
import { basicAuthorization } from '../../../engine/output/http/request.ts'
import { DEFAULT_RETRYABLE_CODES } from '../../../engine/output/http/retry.ts'
import type { OutHttpConfig } from '../../../engine/schemas/out_http.ts'

/** What the writer needs, checked. */
export interface HttpOptions {
  endpoint: string
  method: 'POST' | 'PUT'
  /** Send one JSON array per chunk (json formatter only). */
  jsonArray: boolean
  contentType: string
  headers: Record<string, string>
  headersFromPlaceholders: Record<string, string>
  gzip: boolean
  allowedHosts: string[]
  openTimeoutMs: number
  readTimeoutMs: number
  reuseConnections: boolean
  tls: {
    ca?: string
    cert?: string
    key?: string
    passphrase?: string
    rejectUnauthorized: boolean
    minVersion: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'
    ciphers?: string
  }
  tlsFiles: { ca: string | null; cert: string | null; key: string | null }
  errorResponseAsUnrecoverable: boolean
  retryableResponseCodes: number[]
  authorization: string | null
}

/** Checks the config as Fluentd's configure does; throws with its messages. */
export function settleHttpOptions(config: OutHttpConfig): HttpOptions {
  if (config.proxy !== null)
    throw new Error('proxy is not supported yet by sluice out_http (remove it, or route through a forward proxy on the network level)')
  let url: URL
  try {
    url = new URL(config.endpoint.replace(/[$%]\{[^}]+\}/g, 'placeholder.invalid'))
  } catch {
    throw new Error(`Invalid endpoint URI: ${config.endpoint}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`Invalid endpoint URI: ${config.endpoint} (http or https only)`)
  const formatType = config.format['@type']
  if (config.json_array && formatType !== 'json') throw new Error('json_array option could be used with json formatter only')
  const contentType = config.content_type ?? contentTypeOf(formatType, config.json_array)
  const auth = config.auth
  if (auth !== undefined && auth.method === 'aws_sigv4')
    throw new Error('<auth> method aws_sigv4 is not supported yet by sluice out_http (use basic, or headers)')
  const codes =
    config.retryable_response_codes === null
      ? DEFAULT_RETRYABLE_CODES
      : config.retryable_response_codes.map((c) => {
          const n = Number(c)
          if (!Number.isInteger(n) || n < 100 || n > 599)
            throw new Error(`retryable_response_codes: ${JSON.stringify(c)} is not an HTTP status code`)
          return n
        })
  const strings = (h: Record<string, unknown> | null) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(v)]))
  const versions = { TLSv1_1: 'TLSv1.1', TLSv1_2: 'TLSv1.2', TLSv1_3: 'TLSv1.3' } as const
  return {
    endpoint: config.endpoint,
    method: config.http_method === 'put' ? 'PUT' : 'POST',
    jsonArray: config.json_array,
    contentType,
    headers: strings(config.headers),
    headersFromPlaceholders: strings(config.headers_from_placeholders),
    gzip: config.compress === 'gzip',
    allowedHosts: config.allowed_hosts.map(String),
    openTimeoutMs: (config.open_timeout ?? 60) * 1000,
    readTimeoutMs: (config.read_timeout ?? 60) * 1000,
    reuseConnections: config.reuse_connections,
    tls: {
      rejectUnauthorized: config.tls_verify_mode === 'peer',
      minVersion: versions[config.tls_version],
      ...(config.tls_ciphers !== null ? { ciphers: config.tls_ciphers } : {}),
      ...(config.tls_private_key_passphrase !== null ? { passphrase: config.tls_private_key_passphrase } : {}),
    },
    tlsFiles: { ca: config.tls_ca_cert_path, cert: config.tls_client_cert_path, key: config.tls_private_key_path },
    errorResponseAsUnrecoverable: config.error_response_as_unrecoverable,
    retryableResponseCodes: codes,
    authorization: auth === undefined ? null : basicAuthorization(auth.username ?? '', auth.password ?? ''),
  }
}
