/**
 * @module out_http's config schema (Fluentd's names and defaults) and its check into writer
 * options: endpoint, http_method, content_type, json_array, headers, headers_from_placeholders,
 * compress, open/read timeouts, reuse_connections, TLS files, error_response_as_unrecoverable,
 * retryable_response_codes (sluice default: 429, 500, 502, 503, 504), allowed_hosts, `<format>`
 * (any formatter, json by default), `<inject>` (sluice: Fluentd's out_http has none), `<auth>` (basic),
 * `<buffer>`, `<secondary>`.
 */

import type { PluginDescriptor, PluginSectionConfig } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { bufferSection, secondarySection } from '../output/buffer-schema.ts'
import { formatSection } from './sections/format.ts'
import { injectSection, type InjectConfig } from './sections/inject.ts'

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
    formatSection('json', 'How each record is written into the body (any formatter; json: NDJSON, or one array with json_array).'),
    injectSection(),
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
  format: PluginSectionConfig
  inject?: InjectConfig
  buffer: Record<string, unknown>
}

export const outHttpDescriptor: PluginDescriptor<'output'> = {
  name: 'http',
  kind: 'output',
  description: 'Sends events to an HTTP endpoint, one request per buffer chunk (NDJSON, JSON array, msgpack or any format).',
  schema: outHttpSchema,
  runtimes: ['node'],
}
