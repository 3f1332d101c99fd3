/**
 * @module The ingest's handler (Fluentd's in_http contract, runtime-neutral) and its routes on a
 * Hono app: GET is a health check, OPTIONS the CORS preflight, every other method ingests — after
 * the CORS guard (403 for a disallowed Origin) and body_size_limit (413) — through the POST handler
 * of the answer style: fluentd.ts (in_http's answers) or edge.ts (`responses: 'edge'`: JSON, 202
 * with per-item partial success). The handler works on an IngestRequest and gives an IngestAnswer
 * (request.ts), so a server may also call it without building a Request (node-server's in_http
 * fast path), and an app in front of the routes may hand a plain POST straight to it (`direct`: the
 * Workers edge). Hono is a type here only: the caller brings the app (`ingestRoutes(new Hono(), …)`,
 * app.ts), so node-server imports Hono only once an in_http starts (node-server/net/hono.ts).
 */

import type { Context, Hono } from 'hono'
import { readBodyWithin } from './body.ts'
import { corsResponseHeaders, originAllowed, preflight } from './cors.ts'
import { ingestEdge } from './edge.ts'
import { edgeErrorAnswer } from './edge-responses.ts'
import { ingestFluentd } from './fluentd.ts'
import { JsonBodies } from './json-body.ts'
import { ParsedBodies } from './parsed-body.ts'
import { resolveIngestOptions, type IngestOptions, type ResolvedIngestOptions } from './options.ts'
import { type IngestAnswer, type IngestRequest, requestPath, toResponse } from './request.ts'
import { serverError, text, tooLarge } from './responses.ts'

/** The ingest's POST handler and options, for servers that call it directly and for its routes. */
export interface IngestHandler {
  readonly options: ResolvedIngestOptions
  /**
   * The POST handler behind the guards. A server may call it for a request the guards would let
   * through (no disallowed Origin, a body within body_size_limit), then write the answer itself.
   * It throws only on a bug; `failure` is then the answer.
   */
  handle(req: IngestRequest): Promise<IngestAnswer>
  /** The 500 answer (logged) for an error `handle` threw. */
  failure(error: unknown, req: IngestRequest): IngestAnswer
  /**
   * Serves `request` (the web Request of `c`, another Hono app's context — the edge's, after its
   * guard — or one derived from it) with the handler, without the routes' own dispatch, when they
   * would only run their guards and the handler: a method other than GET / HEAD / OPTIONS, a
   * Content-Length within body_size_limit (no Transfer-Encoding), and no Origin for the CORS guard to
   * judge. The body is read once (`arrayBuffer`). null: the request needs the routes (`app.fetch`).
   */
  direct(c: Context, request: Request): Promise<Response> | null
}

/** Resolves the options (throws on a bad one) and makes the handler. */
export function createIngestHandler(options: IngestOptions): IngestHandler {
  const o = resolveIngestOptions(options)
  if (o.core === undefined)
    throw new Error('the ingest app needs the WebAssembly core (options.core): JSON bodies go through its transcoder')
  const bodies = new JsonBodies(o.core, o)
  const parsed = o.parser === undefined ? null : new ParsedBodies(o.parser, o.recordSizeLimit)
  const handle = (req: IngestRequest) =>
    o.responses === 'edge' ? ingestEdge(req, o, bodies, parsed) : ingestFluentd(req, o, bodies, parsed)
  const failure = (error: unknown, req: IngestRequest): IngestAnswer => {
    const message = error instanceof Error ? error.message : String(error)
    o.log?.error('unexpected error in in_http', { error: message })
    const headers = corsResponseHeaders(req.header('origin') ?? null, o.corsAllowOrigins, o.corsAllowCredentials)
    return o.responses === 'edge' ? edgeErrorAnswer(500, message, headers) : serverError(message, headers)
  }
  const direct = (c: Context, request: Request): Promise<Response> | null => {
    const method = request.method
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null
    const headers = request.headers
    const length = headers.get('content-length')
    if (length === null || !/^\d+$/.test(length) || Number(length) > o.bodySizeLimit || headers.has('transfer-encoding')) return null
    if (o.corsAllowOrigins !== null && headers.has('origin')) return null
    return serveDirect(c, request)
  }
  const serveDirect = async (c: Context, request: Request): Promise<Response> => {
    let req = honoRequest(c, o, EMPTY, request)
    try {
      req = honoRequest(c, o, new Uint8Array(await request.arrayBuffer()), request)
      return toResponse(await handle(req))
    } catch (error) {
      return toResponse(failure(error, req))
    }
  }
  return { options: o, handle, failure, direct }
}

/**
 * Puts the ingest's routes on `app` (a new Hono app; routes, guards and the error handler) and
 * returns it.
 */
export function ingestRoutes(app: Hono, ingest: IngestHandler): Hono {
  const { options: o, handle, failure } = ingest

  // Health check (Fluentd answers every GET with 200, e.g. for Azure App Service probes).
  app.get('*', () => toResponse(text(200, '')))

  app.options('*', (c) => {
    const answer = preflight(c.req.raw.headers, o.corsAllowOrigins, o.corsAllowCredentials)
    // A refusal: Fluentd answers an empty 403 (kept for `responses fluentd`); the edge says why.
    if (answer.status === 403 && o.responses === 'edge') {
      const { reason, setting } = answer.refusal
      return toResponse(edgeErrorAnswer(403, reason, answer.headers, setting === undefined ? {} : { setting }))
    }
    return toResponse(text(answer.status, '', answer.headers))
  })

  app.all(
    '*',
    async function corsGuard(c, next) {
      const origin = c.req.header('origin')
      if (o.corsAllowOrigins !== null && origin !== undefined && !originAllowed(origin, o.corsAllowOrigins)) {
        o.metrics && o.metrics.errors++
        if (o.responses === 'edge')
          return toResponse(edgeErrorAnswer(403, `origin ${origin} is not allowed (cors_allow_origins)`, { Connection: 'close' }))
        return toResponse(text(403, '', { Connection: 'close' }))
      }
      await next()
    },
    async (c) => {
      // body_size_limit: 413 with Connection: close — the rest of an oversized body is not worth reading.
      const body = await readBodyWithin(c.req.raw, o.bodySizeLimit)
      if (body === null) {
        o.metrics && o.metrics.errors++
        o.log?.warn('request body exceeds body_size_limit', { path: new URL(c.req.url).pathname, limit: o.bodySizeLimit })
        const headers = { ...cors(c, o), Connection: 'close' }
        const message = `body exceeds body_size_limit (${o.bodySizeLimit} bytes)`
        return toResponse(o.responses === 'edge' ? edgeErrorAnswer(413, message, headers) : tooLarge(message, headers))
      }
      return toResponse(await handle(honoRequest(c, o, body)))
    },
  )

  app.onError((error, c) => toResponse(failure(error, honoRequest(c, o, new Uint8Array(0)))))
  return app
}

const EMPTY = new Uint8Array(0)

/**
 * The IngestRequest of a Hono context whose body was read: its request, or `raw` (a request derived
 * from it, e.g. without a query parameter) for the method, URL and headers.
 */
function honoRequest(c: Context, o: ResolvedIngestOptions, body: Uint8Array, raw: Request = c.req.raw): IngestRequest {
  const url = raw.url
  const q = url.indexOf('?')
  const hash = q < 0 ? -1 : url.indexOf('#', q)
  const headers = raw.headers
  return {
    method: raw.method,
    path: requestPath(url, q),
    // The query string exactly as sent (percent escapes undecoded).
    query: q < 0 ? '' : url.slice(q + 1, hash < 0 ? undefined : hash),
    header: (name) => headers.get(name) ?? undefined,
    headers: () => headers,
    body: async () => body,
    peerAddress: () => o.remoteAddr?.(c) ?? null,
  }
}

function cors(c: Context, o: ResolvedIngestOptions): Record<string, string> {
  return corsResponseHeaders(c.req.header('origin') ?? null, o.corsAllowOrigins, o.corsAllowCredentials)
}
