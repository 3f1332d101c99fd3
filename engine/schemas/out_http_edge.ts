/**
 * @module The edge HTTP output's schema (`@type http`, Fluentd's out_http names where they exist)
 * and settled options. Records are POSTed as NDJSON (or one JSON array with `json_array true`)
 * while the request waits; 429 and 5xx answers are retried within the request's budget
 * (retry_max_times, retry_wait doubling, retry_timeout overall, a Retry-After that fits).
 * `<inject>` adds keys to each record (engine/inject: Fluentd's inject section, all of it).
 * Free of runtime imports: the designer reads it.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { injectSection, type InjectConfig } from './sections/inject.ts'

export const outHttpSchema = {
  params: [
    { name: 'endpoint', type: 'string', required: true, description: 'The URL the records are sent to (http or https).' },
    { name: 'http_method', type: 'enum', values: ['post', 'put'], default: 'post', description: 'The request method.' },
    {
      name: 'content_type',
      type: 'string',
      default: null,
      description: 'Content-Type of the body (default application/x-ndjson, or application/json with json_array).',
    },
    { name: 'json_array', type: 'bool', default: false, description: 'Send one JSON array of the records instead of NDJSON.' },
    { name: 'headers', type: 'hash', default: {}, description: 'Extra request headers (e.g. {"Authorization":"Bearer x"}).' },
    {
      name: 'compress',
      type: 'enum',
      values: ['text', 'gzip'],
      default: 'text',
      description: "gzip: send the body gzip'd with Content-Encoding: gzip.",
    },
    {
      name: 'retryable_response_codes',
      type: 'integer',
      multi: true,
      default: [429, 500, 502, 503, 504],
      description: 'Answers that are retried (others than 2xx and these fail the emit at once).',
    },
    { name: 'read_timeout', type: 'time', default: 10, description: 'Give up one attempt after this long.' },
    { name: 'retry_max_times', type: 'integer', default: 2, description: 'Retries after the first attempt.' },
    { name: 'retry_wait', type: 'time', default: 0.25, description: 'Wait before the first retry; doubled after each.' },
    {
      name: 'retry_timeout',
      type: 'time',
      default: 10,
      description: 'The whole budget of one emit (attempts and waits); no retry starts past it.',
    },
    {
      name: 'chunk_limit_size',
      type: 'size',
      default: 1024 * 1024,
      description: 'Most msgpack bytes of events per request body; more are sent as several requests.',
    },
  ],
  sections: [
    {
      name: 'auth',
      description: 'HTTP authentication.',
      schema: {
        params: [
          { name: 'method', type: 'enum', values: ['basic'], default: 'basic', description: 'basic (Authorization: Basic).' },
          { name: 'username', type: 'string', required: true, description: 'User name.' },
          { name: 'password', type: 'string', required: true, secret: true, description: 'Password.' },
        ],
      },
    },
    injectSection(),
  ],
} as const satisfies PluginSchema

export type OutHttpConfig = ConfigOf<typeof outHttpSchema> & { inject?: InjectConfig }

export const outHttpEdgeDescriptor: PluginDescriptor<'output'> = {
  name: 'http',
  kind: 'output',
  description: 'POSTs records as NDJSON or a JSON array to an HTTP endpoint within the request (429/5xx retried).',
  schema: outHttpSchema,
  runtimes: ['workers'],
}
