/**
 * @module The ingest app (Fluentd's in_http contract as a Hono app, runtime-neutral): `POST /a/b`
 * → events tagged `a.b`, parsed per Content-Type or the json/ndjson/msgpack params (payload.ts),
 * timed and decorated per records.ts, encoded once into an EventStream and emitted; the answer
 * waits for the emit (backpressure). GET is a health check, OPTIONS the CORS preflight.
 *
 * Statuses: 200 (empty text/plain; 204 / GIF when configured) — also for syntactically invalid
 * JSON, which emits nothing (Fluentd's behaviour, logged at debug); 400 for undecodable bodies,
 * bad params or times (body: the error); 403 for a disallowed Origin; 413 past body_size_limit;
 * 500 when the emit fails; 503 + Retry-After when it fails for backpressure (a full buffer, or one
 * shutting down): the client should retry, nothing of the request was accepted.
 * With `responses: 'edge'` the POST handling and the error answers are edge.ts's (JSON, 202 with
 * per-item partial success).
 *
 * @example
 * const app = createIngestApp({ emit: (stream) => router.emit(stream) })
 * await app.request('/app/web', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"k":"v"}' })
 */

import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { streamFromEvents } from '../event-stream.ts'
import { BodyError, decodeContentEncoding } from './body.ts'
import { corsResponseHeaders, originAllowed, preflight } from './cors.ts'
import { ingestEdge } from './edge.ts'
import { edgeError } from './edge-responses.ts'
import { emitRequest } from './emit.ts'
import { multipartBoundary, parseMultipart, parseUrlEncoded, type Params } from './form.ts'
import { resolveIngestOptions, type IngestOptions, type ResolvedIngestOptions } from './options.ts'
import { parsePayload, PayloadError } from './payload.ts'
import { buildEvents, headerFields, queryFields } from './records.ts'
import { accepted, badRequest, serverError, text, tooLarge, unavailable } from './responses.ts'

export function createIngestApp(options: IngestOptions): Hono {
  const o = resolveIngestOptions(options)
  const app = new Hono()

  // Health check (Fluentd answers every GET with 200, e.g. for Azure App Service probes).
  app.get('*', () => text(200, ''))

  app.options('*', (c) => {
    const answer = preflight(c.req.raw.headers, o.corsAllowOrigins, o.corsAllowCredentials)
    // A refusal: Fluentd answers an empty 403 (kept for `responses fluentd`); the edge says why.
    if (answer.status === 403 && o.responses === 'edge') {
      const { reason, setting } = answer.refusal
      return edgeError(403, reason, answer.headers, setting === undefined ? {} : { setting })
    }
    return text(answer.status, '', answer.headers)
  })

  app.all(
    '*',
    async function corsGuard(c, next) {
      const origin = c.req.header('origin')
      if (o.corsAllowOrigins !== null && origin !== undefined && !originAllowed(origin, o.corsAllowOrigins)) {
        o.metrics && o.metrics.errors++
        if (o.responses === 'edge') return edgeError(403, `origin ${origin} is not allowed (cors_allow_origins)`, { Connection: 'close' })
        return text(403, '', { Connection: 'close' })
      }
      await next()
    },
    bodyLimit({
      maxSize: o.bodySizeLimit,
      onError: (c) => {
        o.metrics && o.metrics.errors++
        o.log?.warn('request body exceeds body_size_limit', { path: new URL(c.req.url).pathname, limit: o.bodySizeLimit })
        // Connection: close — the rest of an oversized body is not worth reading to keep the connection.
        if (o.responses === 'edge')
          return edgeError(413, `body exceeds body_size_limit (${o.bodySizeLimit} bytes)`, { ...cors(c, o), Connection: 'close' })
        return tooLarge(`body exceeds body_size_limit (${o.bodySizeLimit} bytes)`, { ...cors(c, o), Connection: 'close' })
      },
    }),
    (c) => (o.responses === 'edge' ? ingestEdge(c, o, edgeRequest(c, o)) : ingest(c, o)),
  )

  app.onError((error, c) => {
    o.log?.error('unexpected error in in_http', { error: error instanceof Error ? error.message : String(error) })
    if (o.responses === 'edge') return edgeError(500, error instanceof Error ? error.message : String(error), cors(c, o))
    return serverError(error instanceof Error ? error.message : String(error), cors(c, o))
  })
  return app
}

async function ingest(c: Context, o: ResolvedIngestOptions): Promise<Response> {
  const headers = cors(c, o)
  const url = c.req.url
  const path = new URL(url).pathname
  const tag = tagFromPath(path, o.addTagPrefix)
  const fail = (_status: 400, message: string, level: 'error' | 'warn' = 'error') => {
    if (o.metrics) o.metrics.errors++
    if (o.dumpErrorLog || level === 'warn') o.log?.[level]('failed to process request', { path, error: message })
    return badRequest(message, headers)
  }
  if (tag === null) return fail(400, 'the tag is the request path: POST /<tag>, e.g. /app.web or /app/web')

  const raw = new Uint8Array(await c.req.arrayBuffer())
  if (o.metrics) o.metrics.bytesIn += raw.length
  let body: Uint8Array
  try {
    body = await decodeContentEncoding(raw, c.req.header('content-encoding') ?? null, o.decompressionSizeLimit)
  } catch (error) {
    if (error instanceof BodyError) return fail(400, error.message, 'warn')
    throw error
  }

  const query = parseUrlEncoded(rawQuery(url))
  const params: Params = new Map(query)
  const contentType = c.req.header('content-type') ?? ''
  const type = contentType.toLowerCase()
  try {
    if (type.startsWith('application/x-www-form-urlencoded')) parseUrlEncoded(body, params)
    else if (type.startsWith('multipart/form-data')) {
      const boundary = multipartBoundary(contentType)
      if (boundary === null) return fail(400, 'multipart/form-data without a boundary')
      parseMultipart(body, boundary, params)
    } else if (type.startsWith('application/json') || type.startsWith('application/csp-report')) params.set('json', body)
    else if (type.startsWith('application/msgpack') || type.startsWith('application/x-msgpack')) params.set('msgpack', body)
    else if (type.startsWith('application/x-ndjson')) params.set('ndjson', body)
  } catch (error) {
    return fail(400, `invalid form body: ${error instanceof Error ? error.message : String(error)}`)
  }

  let events
  try {
    const payload = parsePayload(params)
    if (payload.skipped > 0) {
      if (o.metrics) o.metrics.dropped += payload.skipped
      o.log?.debug('incoming event is invalid', { path, skipped: payload.skipped, reason: payload.skipReason })
    }
    events = buildEvents(
      payload.records,
      {
        headers: o.addHttpHeaders ? headerFields(c.req.raw.headers) : null,
        query: o.addQueryParams ? queryFields(query) : null,
        remoteAddr: o.addRemoteAddr ? remoteAddr(c, o) : undefined,
        timeParam: params.get('time'),
      },
      o,
    )
  } catch (error) {
    if (error instanceof PayloadError) return fail(400, error.message)
    throw error
  }
  if (events.length === 0) return accepted(o, headers)

  const stream = streamFromEvents(tag, events)
  const outcome = await emitRequest(o, stream)
  if (!outcome.ok) {
    if (outcome.backpressure) return unavailable(outcome.message, o.retryAfterSeconds, headers)
    if (o.dumpErrorLog) o.log?.error('failed to emit data', { tag, count: stream.count, error: outcome.message })
    return serverError(outcome.message, headers)
  }
  return accepted(o, headers)
}

/** `/a/b` → `a.b` (Ruby's split: trailing empty parts dropped); null for `/`. */
export function tagFromPath(path: string, prefix: string | null): string | null {
  const parts = path.slice(1).split('/')
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  if (parts.length === 0) return null
  const tag = parts.join('.')
  return prefix === null ? tag : `${prefix}.${tag}`
}

/** The query string exactly as sent (percent escapes undecoded), without `?` and fragment. */
function rawQuery(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return ''
  const hash = url.indexOf('#', q)
  return url.slice(q + 1, hash < 0 ? undefined : hash)
}

function remoteAddr(c: Context, o: ResolvedIngestOptions): string | null {
  const forwarded = c.req.header('x-forwarded-for')
  if (forwarded !== undefined) return forwarded.split(',')[0].trim()
  return o.remoteAddr?.(c) ?? null
}

function edgeRequest(c: Context, o: ResolvedIngestOptions) {
  const url = c.req.url
  return {
    tag: tagFromPath(new URL(url).pathname, o.addTagPrefix),
    query: rawQuery(url),
    headers: cors(c, o),
    remoteAddr: () => remoteAddr(c, o),
  }
}

function cors(c: Context, o: ResolvedIngestOptions): Record<string, string> {
  return corsResponseHeaders(c.req.header('origin') ?? null, o.corsAllowOrigins, o.corsAllowCredentials)
}
