/**
 * @module in_http's runtime-neutral params with Fluentd's names and defaults, and their mapping to
 * IngestOptions. node-server's in_http adds its listener params (bind, port, keepalive_timeout,
 * backlog); the edge can reuse these as they are.
 */

import type { ParamSpec, SectionSpec } from '../config/schema.ts'
import type { ParserPlugin } from '../parser/types.ts'
import type { PluginSectionConfig } from '../plugin.ts'
import type { IngestOptions } from './options.ts'

export const ingestParams = [
  {
    name: 'body_size_limit',
    type: 'size',
    default: 32 * 1024 * 1024,
    description: 'Most bytes of a request body as sent (compressed bodies count compressed); more → 413.',
  },
  {
    name: 'decompression_size_limit',
    type: 'size',
    default: 256 * 1024 * 1024,
    description: 'Most bytes a gzip/deflate body may inflate to; more → 400.',
  },
  { name: 'add_tag_prefix', type: 'string', default: null, description: 'Prefix added (with a dot) to the tag taken from the path.' },
  { name: 'add_http_headers', type: 'bool', default: false, description: 'Add every request header to each record as HTTP_<NAME>.' },
  {
    name: 'add_remote_addr',
    type: 'bool',
    default: false,
    description: 'Add REMOTE_ADDR (the first X-Forwarded-For address, else the peer address).',
  },
  { name: 'add_query_params', type: 'bool', default: false, description: 'Add every query parameter to each record as QUERY_<NAME>.' },
  {
    name: 'cors_allow_origins',
    type: 'array',
    default: null,
    description: 'Origins allowed to post (exact, *, or one-wildcard patterns such as https://*.example.com); others get 403.',
  },
  {
    name: 'cors_allow_credentials',
    type: 'bool',
    default: false,
    description: 'Send Access-Control-Allow-Credentials (needs explicit origins).',
  },
  { name: 'respond_with_empty_img', type: 'bool', default: false, description: 'Answer 200 with a 1x1 GIF (for image beacons).' },
  { name: 'use_204_response', type: 'bool', default: false, description: 'Answer 204 No Content instead of 200.' },
  { name: 'dump_error_log', type: 'bool', default: true, description: 'Log requests answered 400 or 500 at error level.' },
  { name: 'keep_time_key', type: 'bool', default: false, description: 'Keep the time field in the record (it is removed by default).' },
  { name: 'time_key', type: 'string', default: 'time', description: 'The record field that holds the event time (numeric unix seconds).' },
] as const satisfies readonly ParamSpec[]

/**
 * `<parse>`: Fluentd's default `in_http` parser (json, ndjson and msgpack by Content-Type or params,
 * with `time_key` / `keep_time_key`), or any parser plugin (`@type none`, `regexp`, `json`, …),
 * which then reads the whole request body as its one text (Fluentd's `parse_params_with_parser`).
 * time_key / keep_time_key have no default here, so a chosen parser keeps its own.
 */
export const ingestParseSection = {
  name: 'parse',
  description:
    'Body parser: the default @type in_http reads json, ndjson and msgpack by Content-Type or params; any other parser reads the whole body (Content-Type ignored).',
  plugin: { kind: 'parser', defaultType: 'in_http', ownType: 'in_http' },
  schema: {
    params: [
      { name: 'time_key', type: 'string', description: 'Record field holding the event time (@type in_http).' },
      { name: 'keep_time_key', type: 'bool', description: 'Keep the time field in the record (@type in_http).' },
    ],
  },
} as const satisfies SectionSpec

/** The typed values of ingestParams (+ an optional <parse>), as the schema validator produces them. */
export interface IngestConfig {
  body_size_limit: number
  decompression_size_limit: number
  add_tag_prefix: string | null
  add_http_headers: boolean
  add_remote_addr: boolean
  add_query_params: boolean
  cors_allow_origins: unknown[] | null
  cors_allow_credentials: boolean
  respond_with_empty_img: boolean
  use_204_response: boolean
  dump_error_log: boolean
  keep_time_key: boolean
  time_key: string
  parse?: { '@type'?: string; time_key?: string | null; keep_time_key?: boolean | null } & Record<string, unknown>
}

/** Builds the `<parse>` section's parser (the plugin context's `createParser`). */
export type CreateParser = (section: PluginSectionConfig) => ParserPlugin

/**
 * Maps the config to options. A `<parse>` of another type than in_http is built with
 * `createParser` (required then) and reads every request body.
 */
export function ingestOptionsFromConfig(config: IngestConfig, createParser?: CreateParser): Omit<IngestOptions, 'emit'> {
  const parse = config.parse
  const type = parse?.['@type'] ?? 'in_http'
  let parser: ParserPlugin | undefined
  if (type !== 'in_http') {
    if (createParser === undefined) throw new Error(`<parse> @type ${type} needs the plugin context to build the parser`)
    parser = createParser({ ...parse, '@type': type })
  }
  const own = type === 'in_http' ? parse : undefined
  return {
    parser,
    bodySizeLimit: config.body_size_limit,
    decompressionSizeLimit: config.decompression_size_limit,
    addTagPrefix: config.add_tag_prefix,
    addHttpHeaders: config.add_http_headers,
    addRemoteAddr: config.add_remote_addr,
    addQueryParams: config.add_query_params,
    corsAllowOrigins: config.cors_allow_origins === null ? null : config.cors_allow_origins.map(String),
    corsAllowCredentials: config.cors_allow_credentials,
    respondWithEmptyImg: config.respond_with_empty_img,
    use204Response: config.use_204_response,
    dumpErrorLog: config.dump_error_log,
    timeKey: own?.time_key ?? config.time_key,
    keepTimeKey: own?.keep_time_key ?? config.keep_time_key,
  }
}
