/**
 * @module The edge's guard in front of the ingest app, for requests that carry events (not GET,
 * HEAD or the OPTIONS preflight): a bearer token (`Authorization: Bearer <token>`, or the
 * `access_token` query parameter — RFC 6750 §2.3 — for navigator.sendBeacon, which cannot set
 * headers) → 401 when missing or unknown; the tag outside the token's patterns → 403; the token's
 * rate exceeded → 429 with Retry-After. Answers carry the CORS headers so browsers can read them.
 */

import type { Context, MiddlewareHandler } from 'hono'
import { edgeError } from '../../../engine/ingest/edge-responses.ts'
import { requestPath } from '../../../engine/ingest/request.ts'
import type { Logger } from '../../../engine/log.ts'
import type { RateLimiter, RateSpec } from './rate-limit.ts'
import type { Grant, TokenStore } from './tokens.ts'

export interface GuardOptions {
  /** null: no authentication (SLUICE_AUTH=off). */
  tokens: TokenStore | null
  /** The tag a request's events get (path + add_tag_prefix), null for none. */
  tagOf(path: string): string | null
  limiter: RateLimiter
  /** The rate when the token sets none; null: unlimited. */
  defaultRate: RateSpec | null
  /** CORS headers for an answer to this Origin. */
  cors(origin: string | null): Record<string, string>
  log: Logger
}

export const ACCESS_TOKEN_PARAM = 'access_token'
const CHALLENGE = 'Bearer realm="sluice"'

export function edgeGuard(o: GuardOptions): MiddlewareHandler {
  return async function edgeGuard(c, next) {
    const method = c.req.method
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || o.tokens === null) return next()
    const headers = o.cors(c.req.header('origin') ?? null)
    const token = presentedToken(c)
    if (token === null) {
      return edgeError(
        401,
        `missing bearer token: send Authorization: Bearer <token> (or ?${ACCESS_TOKEN_PARAM}=<token> from navigator.sendBeacon)`,
        { 'WWW-Authenticate': CHALLENGE, ...headers },
      )
    }
    const grant = await o.tokens.verify(token)
    if (grant === null) {
      o.log.warn('refused an unknown token', { path: requestPath(c.req.url) })
      return edgeError(401, 'unknown token', { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"`, ...headers })
    }
    const tag = o.tagOf(requestPath(c.req.url))
    if (tag !== null && !grant.allows(tag)) {
      o.log.warn("refused a tag outside the token's scope", { token: grant.name, tag })
      return edgeError(403, `token ${grant.name} may not send tag ${tag} (it may send: ${grant.record.tags})`, headers)
    }
    const wait = rateWait(o, grant)
    if (wait > 0) return edgeError(429, `token ${grant.name} sent more than its rate limit`, { 'Retry-After': String(wait), ...headers })
    return next()
  }
}

function rateWait(o: GuardOptions, grant: Grant): number {
  const r = grant.record
  const spec = r.rate !== undefined ? { rate: r.rate, burst: r.burst ?? r.rate } : o.defaultRate
  return spec === null ? 0 : o.limiter.take(r.sha256, spec)
}

/** The token from the Authorization header (scheme case-insensitive), else the access_token param. */
export function presentedToken(c: Context): string | null {
  const header = c.req.header('authorization')
  if (header !== undefined) {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header)
    return m === null ? null : m[1]
  }
  const param = new URL(c.req.url).searchParams.get(ACCESS_TOKEN_PARAM)
  return param === null || param === '' ? null : param
}
