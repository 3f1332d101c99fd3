/**
 * @module The edge out_http's settled options.
 */

import { contentTypeOf } from '../../../../engine/output/http/body.ts'
import { basicAuthorization, requestHeaders } from '../../../../engine/output/http/request.ts'
import type { OutHttpConfig } from '../../../../engine/schemas/out_http_edge.ts'

export interface HttpOptions {
  endpoint: string
  method: 'POST' | 'PUT'
  /** Every request's headers (engine/output/http/request.ts). */
  headers: Record<string, string>
  gzip: boolean
  retryable: ReadonlySet<number>
  readTimeoutMs: number
  retryMaxTimes: number
  retryWaitMs: number
  retryTimeoutMs: number
  chunkLimit: number
  /** One JSON array per request instead of NDJSON. */
  jsonArray: boolean
}

export function settleHttpOptions(config: OutHttpConfig): HttpOptions {
  let url: URL
  try {
    url = new URL(config.endpoint)
  } catch {
    throw new Error(`endpoint ${JSON.stringify(config.endpoint)} is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`endpoint ${config.endpoint}: only http and https are supported`)
  const headers = requestHeaders({
    headers: Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, String(v)])),
    contentType: config.content_type ?? contentTypeOf('json', config.json_array),
    gzip: config.compress === 'gzip',
    authorization: config.auth === undefined ? null : basicAuthorization(config.auth.username, config.auth.password),
  })
  return {
    endpoint: config.endpoint,
    method: config.http_method === 'put' ? 'PUT' : 'POST',
    headers,
    jsonArray: config.json_array,
    gzip: config.compress === 'gzip',
    retryable: new Set(config.retryable_response_codes),
    readTimeoutMs: Math.round(config.read_timeout * 1000),
    retryMaxTimes: Math.max(0, config.retry_max_times),
    retryWaitMs: Math.round(config.retry_wait * 1000),
    retryTimeoutMs: Math.round(config.retry_timeout * 1000),
    chunkLimit: config.chunk_limit_size,
  }
}
