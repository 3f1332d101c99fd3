/**
 * @module The request handler of `responses: 'edge'` (the Workers edge): the same tag, params,
 * Content-Encoding, time and decoration rules as in_http, with per-item partial success and JSON
 * answers. Every item is checked on its own (an object, a usable time, at most recordSizeLimit
 * msgpack bytes); the accepted ones are emitted as ONE stream and the answer waits for the emit.
 *
 * Statuses: 202 when at least one event was accepted (or the body was an empty array); 400 when
 * none was (413 when every refused one was too large); 413 past max_events_per_request or
 * decompression_size_limit (nothing accepted); 415 for an unknown Content-Type or
 * Content-Encoding; 500 / 503 + Retry-After when the emit fails (nothing accepted).
 * Bodies: as in_http (forms, json/ndjson/msgpack types and params), plus text/plain, untyped and
 * application/octet-stream bodies (sendBeacon) read as JSON or NDJSON (octet-stream: msgpack when
 * it does not start like JSON), and form-typed bodies that start like JSON (`curl -d '{…}'`).
 */

import type { Context } from 'hono'
import { BodyError, decodeContentEncoding } from './body.ts'
import { edgeError, json, rejectedList } from './edge-responses.ts'
import { emitRequest } from './emit.ts'
import { EntriesWriter } from '../records/entries-writer.ts'
import { multipartBoundary, parseMultipart, parseUrlEncoded, type Params } from './form.ts'
import { readItems, type Item, type ItemFormat } from './items.ts'
import type { ResolvedIngestOptions } from './options.ts'
import { PayloadError } from './payload.ts'
import { buildEvents, headerFields, queryFields } from './records.ts'

export interface EdgeRequest {
  /** The tag from the path (with add_tag_prefix), null for `/`. */
  tag: string | null
  /** The query string as sent (undecoded). */
  query: string
  /** CORS headers for the answer. */
  headers: Record<string, string>
  remoteAddr(): string | null
}

const SUPPORTED_ENCODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate'])

export async function ingestEdge(c: Context, o: ResolvedIngestOptions, r: EdgeRequest): Promise<Response> {
  const headers = r.headers
  const path = new URL(c.req.url).pathname
  const fail = (status: number, message: string, extra: Record<string, unknown> = {}) => {
    if (o.metrics) o.metrics.errors++
    if (o.dumpErrorLog) o.log?.warn('request refused', { path, status, error: message })
    return edgeError(status, message, headers, extra)
  }
  if (r.tag === null) return fail(400, 'the tag is the request path: POST /<tag>, e.g. /app.web or /app/web')
  const tag = r.tag

  const encoding = (c.req.header('content-encoding') ?? '').trim().toLowerCase()
  if (!SUPPORTED_ENCODINGS.has(encoding)) return fail(415, `unsupported Content-Encoding: ${encoding} (supported: gzip, deflate)`)
  const raw = new Uint8Array(await c.req.arrayBuffer())
  if (o.metrics) o.metrics.bytesIn += raw.length
  let body: Uint8Array
  try {
    body = await decodeContentEncoding(raw, encoding, o.decompressionSizeLimit)
  } catch (error) {
    if (error instanceof BodyError) return fail(error.status, error.message)
    throw error
  }

  const query = parseUrlEncoded(r.query)
  const params: Params = new Map(query)
  const contentType = c.req.header('content-type') ?? ''
  let known: boolean
  try {
    known = bodyParams(contentType, body, params)
  } catch (error) {
    return fail(400, `invalid form body: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!known) {
    return fail(
      415,
      `unsupported Content-Type: ${contentType} (send application/json, application/x-ndjson, application/msgpack, text/plain or a form with json=, ndjson= or msgpack=)`,
    )
  }
  const chosen = pickPayload(params)
  if (chosen.bytes.length === 0) return fail(400, 'no events: the body is empty (or its form has no json=, ndjson= or msgpack= field)')

  const items = readItems(chosen.bytes, chosen.format)
  if (items.length > o.maxEventsPerRequest) {
    return fail(413, `the request carries ${items.length} events, more than max_events_per_request (${o.maxEventsPerRequest}): split it`)
  }

  const fields = {
    headers: o.addHttpHeaders ? headerFields(c.req.raw.headers) : null,
    query: o.addQueryParams ? queryFields(query) : null,
    remoteAddr: o.addRemoteAddr ? r.remoteAddr() : undefined,
    timeParam: params.get('time'),
  }
  const entries = new EntriesWriter(Math.max(1024, body.length))
  const rejected: Item[] = []
  let tooLarge = 0
  for (const item of items) {
    if (item.record === undefined) {
      rejected.push(item)
      continue
    }
    const before = entries.length
    try {
      const [event] = buildEvents([item.record], fields, o)
      const size = entries.append(event.time, event.record)
      if (size > o.recordSizeLimit) {
        entries.truncate(before, entries.count - 1)
        tooLarge++
        rejected.push({
          line: item.line,
          index: item.index,
          error: `record is ${size} bytes (msgpack), more than record_size_limit (${o.recordSizeLimit})`,
        })
      }
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error
      rejected.push({ line: item.line, index: item.index, error: error.message.replace(/^record 0: /, '') })
    }
  }
  if (rejected.length > 0) {
    if (o.metrics) o.metrics.dropped += rejected.length
    o.log?.warn('refused events of a request', {
      path,
      tag,
      refused: rejected.length,
      accepted: entries.count,
      first: rejectedList(rejected.slice(0, 1))[0],
    })
  }
  const answer = { accepted: entries.count, rejected: rejectedList(rejected), rejected_count: rejected.length }
  if (entries.count === 0) {
    if (rejected.length === 0) return json(202, answer, headers)
    if (o.metrics) o.metrics.errors++
    return json(tooLarge === rejected.length ? 413 : 400, { error: 'no event of the request was accepted', ...answer }, headers)
  }

  const stream = { tag, entries: entries.bytes(), count: entries.count }
  const outcome = await emitRequest(o, stream)
  if (!outcome.ok) {
    if (outcome.backpressure)
      return edgeError(503, outcome.message, { 'Retry-After': String(o.retryAfterSeconds), ...headers }, { accepted: 0 })
    o.log?.error('failed to emit data', { tag, count: stream.count, error: outcome.message })
    return edgeError(500, outcome.message, headers, { accepted: 0 })
  }
  return json(202, answer, headers)
}

/**
 * Puts the body where its Content-Type says (form fields, or a payload param; `text` for JSON or
 * NDJSON text); false for a type the edge does not read.
 */
function bodyParams(contentType: string, body: Uint8Array, params: Params): boolean {
  const type = contentType.toLowerCase().split(';')[0].trim()
  // `curl -d '{"k":"v"}'` sends JSON as a form: a form body that starts like JSON is read as JSON.
  if (type === 'application/x-www-form-urlencoded' && looksLikeJson(body)) params.set('text', body)
  else if (type === 'application/x-www-form-urlencoded') parseUrlEncoded(body, params)
  else if (type === 'multipart/form-data') {
    const boundary = multipartBoundary(contentType)
    if (boundary === null) throw new Error('multipart/form-data without a boundary')
    parseMultipart(body, boundary, params)
  } else if (type === 'application/json' || type === 'application/csp-report' || type === 'text/plain' || type === '')
    params.set('text', body)
  else if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/jsonlines') params.set('ndjson', body)
  else if (type === 'application/msgpack' || type === 'application/x-msgpack' || type === 'application/vnd.msgpack')
    params.set('msgpack', body)
  else if (type === 'application/octet-stream') params.set(looksLikeJson(body) ? 'text' : 'msgpack', body)
  else return false
  return true
}

/** The payload by in_http's precedence (msgpack, json, ndjson params), else the raw body. */
function pickPayload(params: Params): { bytes: Uint8Array; format: ItemFormat } {
  const msgpack = params.get('msgpack')
  if (msgpack !== undefined) return { bytes: msgpack, format: 'msgpack' }
  const jsonText = params.get('json')
  if (jsonText !== undefined) return { bytes: jsonText, format: 'text' }
  const ndjson = params.get('ndjson')
  if (ndjson !== undefined) return { bytes: ndjson, format: 'ndjson' }
  return { bytes: params.get('text') ?? new Uint8Array(0), format: 'text' }
}

function looksLikeJson(body: Uint8Array): boolean {
  for (const b of body) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue
    return b === 0x7b || b === 0x5b
  }
  return false
}
