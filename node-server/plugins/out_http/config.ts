/**
 * @module out_http's config schema (Fluentd's names and defaults) and its check into writer
 * options: endpoint, http_method, content_type, json_array, headers, headers_from_placeholders,
 * compress, open/read timeouts, reuse_connections, TLS files, error_response_as_unrecoverable,
 * retryable_response_codes (sluice default: 429, 500, 502, 503, 504), allowed_hosts, `<format>`
 * (json / msgpack), `<auth>` (basic), `<buffer>`, `<secondary>`.
 */

import type { ConfigOf, PluginSchema } from '../../../engine/config/schema.ts'
import { bufferSection, secondarySection } from '../../../engine/output/buffer-schema.ts'
import type { BodyFormat } from './encoder.ts'

/**
 * Fluentd retries only 503 by default (and warns that v2 drops it). A 429 (rate limited) or a
 * 500/502/503/504 from a proxy or an overloaded server is usually transient: retrying them with
 * the buffer's backoff loses nothing, while treating them as unrecoverable sends good data to the
 * backup. Other codes stay unrecoverable. Setting the param replaces this list.
 */
export const DEFAULT_RETRYABLE_CODES = [429, 500, 502, 503, 504]

export const outHttpSchema = {
  params: [
    {
      name: 'endpoint',
      type: 'string',
      required: true,
      description: 'The URL to send to (http:// or https://); ${tag}, ${chunk_id}, chunk keys and strftime placeholders work.',
    },
    { name: 'http_method', type: 'enum', values: ['post', 'put'], default: 'post', description: 'The request method.' },
    { name: 'proxy', type: 'string', default: null, description: 'An HTTP proxy (not supported yet: setting it is a config error).' },
    {
      name: 'content_type',
      type: 'string',
      default: null,
      description: 'Content-Type (default from the format: application/x-ndjson, application/json with json_array, application/x-msgpack).',
    },
    {
      name: 'json_array',
      type: 'bool',
      default: false,
      description: 'Send one JSON array per chunk instead of one JSON record per line (json format only).',
    },
    { name: 'headers', type: 'hash', default: null, description: 'Extra request headers.' },
    {
      name: 'headers_from_placeholders',
      type: 'hash',
      default: null,
      description: 'Extra headers whose values use chunk placeholders such as ${tag}.',
    },
    { name: 'compress', type: 'enum', values: ['text', 'gzip'], default: 'text', description: 'gzip the body (Content-Encoding: gzip).' },
    { name: 'allowed_hosts', type: 'array', default: [], description: 'Hosts a placeholder in the endpoint host may expand to.' },
    {
      name: 'open_timeout',
      type: 'integer',
      default: null,
      description: 'Seconds to wait for the connection (default 60, as Ruby Net::HTTP).',
    },
    {
      name: 'read_timeout',
      type: 'integer',
      default: null,
      description: 'Seconds a request may stay silent (default 60, as Ruby Net::HTTP).',
    },
    {
      name: 'ssl_timeout',
      type: 'integer',
      default: null,
      description: 'Seconds for the TLS handshake (counted in open_timeout in sluice).',
    },
    { name: 'reuse_connections', type: 'bool', default: false, description: 'Keep connections open between requests.' },
    { name: 'tls_ca_cert_path', type: 'string', default: null, description: 'CA certificate (PEM) to verify the server with.' },
    {
      name: 'tls_client_cert_path',
      type: 'string',
      default: null,
      description: 'Client certificate (PEM; may hold the intermediate chain).',
    },
    { name: 'tls_private_key_path', type: 'string', default: null, description: 'Client private key (PEM).' },
    {
      name: 'tls_private_key_passphrase',
      type: 'string',
      default: null,
      secret: true,
      description: 'Passphrase of the client private key.',
    },
    {
      name: 'tls_verify_mode',
      type: 'enum',
      values: ['none', 'peer'],
      default: 'peer',
      description: 'peer: verify the server certificate; none: do not.',
    },
    {
      name: 'tls_version',
      type: 'enum',
      values: ['TLSv1_1', 'TLSv1_2', 'TLSv1_3'],
      default: 'TLSv1_2',
      description: 'The lowest TLS version accepted.',
    },
    { name: 'tls_ciphers', type: 'string', default: null, description: "OpenSSL cipher list (default: Node's)." },
    {
      name: 'error_response_as_unrecoverable',
      type: 'bool',
      default: true,
      description: 'A non-retryable error answer sends the chunk to <secondary> or the backup (false: log it and drop the chunk).',
    },
    {
      name: 'retryable_response_codes',
      type: 'array',
      default: null,
      description: 'Status codes that are retried (default 429, 500, 502, 503, 504).',
    },
  ],
  sections: [
    {
      name: 'format',
      description: 'Body format: json (default; NDJSON, or an array with json_array) or msgpack.',
      init: true,
      schema: {
        params: [
          { name: 'add_newline', type: 'bool', default: true, description: 'json: one record per line (always true for out_http bodies).' },
        ],
      },
    },
    {
      name: 'auth',
      description: 'Authentication.',
      schema: {
        params: [
          {
            name: 'method',
            type: 'enum',
            values: ['basic', 'aws_sigv4'],
            default: 'basic',
            description: 'basic (aws_sigv4 is not supported yet).',
          },
          { name: 'username', type: 'string', default: null, description: 'Basic auth user.' },
          { name: 'password', type: 'string', default: null, secret: true, description: 'Basic auth password.' },
          { name: 'aws_service', type: 'string', default: null, description: 'Not supported yet.' },
          { name: 'aws_region', type: 'string', default: null, description: 'Not supported yet.' },
          { name: 'aws_role_arn', type: 'string', default: null, description: 'Not supported yet.' },
        ],
      },
    },
    bufferSection(),
    secondarySection,
  ],
} as const satisfies PluginSchema

export type OutHttpConfig = ConfigOf<typeof outHttpSchema> & {
  format: { '@type'?: string; add_newline: boolean }
  buffer: Record<string, unknown>
}

/** What the writer needs, checked. */
export interface HttpOptions {
  endpoint: string
  method: 'POST' | 'PUT'
  format: BodyFormat
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
  const formatType = config.format['@type'] ?? 'json'
  if (formatType !== 'json' && formatType !== 'msgpack') {
    throw new Error(
      `<format> @type ${formatType} is not supported by out_http yet (json or msgpack); set content_type and use json or msgpack`,
    )
  }
  if (config.json_array && formatType !== 'json') throw new Error('json_array option could be used with json formatter only')
  const format: BodyFormat = formatType === 'msgpack' ? 'msgpack' : config.json_array ? 'json_array' : 'ndjson'
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
    format,
    contentType:
      config.content_type ??
      (format === 'msgpack' ? 'application/x-msgpack' : format === 'json_array' ? 'application/json' : 'application/x-ndjson'),
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
    authorization: auth === undefined ? null : `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}`,
  }
}
