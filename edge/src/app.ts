/**
 * @module The edge's Hono app: `GET /healthz` (200 `ok`; 503 `no_tokens` when auth is on and no
 * token can match, so monitors see a Worker that refuses everything), then the guard (auth,
 * scope, rate limit), then the shared ingest app of the `<source @type http>` (engine/ingest: the
 * same app node-server's in_http serves; a plain POST with a Content-Length goes straight to its
 * handler, `Ingest.direct`, without a second dispatch). The `access_token` query parameter is
 * removed before the ingest sees the URL, so it never reaches a record (add_query_params) or a log
 * line.
 *
 * @example
 * const app = createEdgeApp({ source, tokens, limiter: new RateLimiter(), defaultRate: null, log, health: () => ({}) })
 * await app.request('/app/web', { method: 'POST', headers: { authorization: 'Bearer t' }, body: '{"k":"v"}' })
 */

import { Hono, type ExecutionContext } from 'hono'
import { corsResponseHeaders } from '../../engine/ingest/cors.ts'
import { tagFromPath } from '../../engine/ingest/app.ts'
import type { Logger } from '../../engine/log.ts'
import { ACCESS_TOKEN_PARAM, edgeGuard } from './auth/middleware.ts'
import type { RateLimiter, RateSpec } from './auth/rate-limit.ts'
import type { TokenStore } from './auth/tokens.ts'
import type { EdgeHttpSource } from './plugins/in_http/index.ts'

export interface EdgeAppOptions {
  source: EdgeHttpSource
  /** null: no authentication. */
  tokens: TokenStore | null
  limiter: RateLimiter
  defaultRate: RateSpec | null
  log: Logger
  /** Extra fields of the /healthz answer. */
  health(): Record<string, unknown>
  /** Why no request can be accepted (no tokens), or null: /healthz answers 503 `no_tokens` with it. */
  unusable?: string | null
}

export function createEdgeApp(o: EdgeAppOptions): Hono {
  const app = new Hono()
  const ingest = o.source.ingest
  const s = o.source.options
  const allowed = s.corsAllowOrigins ?? null
  const credentials = s.corsAllowCredentials ?? false

  app.get('/healthz', (c) =>
    o.unusable ? c.json({ status: 'no_tokens', warning: o.unusable, ...o.health() }, 503) : c.json({ status: 'ok', ...o.health() }),
  )

  app.use(
    '*',
    edgeGuard({
      tokens: o.tokens,
      tagOf: (path) => tagFromPath(path, s.addTagPrefix ?? null),
      limiter: o.limiter,
      defaultRate: o.defaultRate,
      cors: (origin) => corsResponseHeaders(origin, allowed, credentials),
      log: o.log,
    }),
  )

  // A plain POST goes straight to the ingest handler (no second dispatch); the rest through its app.
  app.all('*', (c) => {
    const request = withoutAccessToken(c.req.raw)
    return ingest.direct(c, request) ?? ingest.app.fetch(request, c.env, executionCtx(c))
  })
  return app
}

/** The request without the access_token query parameter (the same request when it has none). */
function withoutAccessToken(request: Request): Request {
  if (!request.url.includes(ACCESS_TOKEN_PARAM)) return request
  const url = new URL(request.url)
  if (!url.searchParams.has(ACCESS_TOKEN_PARAM)) return request
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair.split('=')[0] !== ACCESS_TOKEN_PARAM)
  url.search = kept.length > 0 ? `?${kept.join('&')}` : ''
  return new Request(url, request)
}

/** The execution context when the runtime gave one (app.request in tests has none). */
function executionCtx(c: { executionCtx: ExecutionContext }): ExecutionContext | undefined {
  try {
    return c.executionCtx
  } catch {
    return undefined
  }
}
