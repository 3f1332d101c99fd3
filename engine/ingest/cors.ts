/**
 * @module in_http's CORS (Fluentd's): with `cors_allow_origins` set, a request whose Origin is not
 * allowed gets 403 (a request without Origin — server to server — is allowed); allowed ones get
 * Access-Control-Allow-Origin (`*`, or the origin echoed, plus Allow-Credentials when asked).
 * OPTIONS is the preflight: 403 unless CORS is configured, the requested method is POST and the
 * origin is allowed; else 200 with Allow-Methods POST and the requested headers echoed. A refusal
 * carries its reason, which the edge answer style sends as JSON (Fluentd's style answers an empty
 * 403, as Fluentd does).
 */

/** Is `origin` allowed by the list (exact entries, `*`, or patterns with one `*`)? */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*') || allowed.includes(origin)) return true
  for (const pattern of allowed) {
    const star = pattern.indexOf('*')
    if (pattern === '' || star < 0) continue
    const start = pattern.slice(0, star)
    const end = pattern.slice(star + 1)
    if (origin.length >= start.length + end.length && origin.startsWith(start) && origin.endsWith(end)) return true
  }
  return false
}

/** Headers a POST answer carries for an allowed Origin (none without an Origin or without CORS). */
export function corsResponseHeaders(
  origin: string | null,
  allowed: readonly string[] | null,
  credentials: boolean,
): Record<string, string> {
  if (allowed === null || origin === null) return {}
  if (allowed.includes('*')) return { 'Access-Control-Allow-Origin': '*' }
  if (!originAllowed(origin, allowed)) return {}
  return credentials
    ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' }
    : { 'Access-Control-Allow-Origin': origin }
}

/** A refused preflight: why, and the setting that decides it (when one does). */
export interface PreflightRefusal {
  reason: string
  setting?: 'cors_allow_origins'
}

export type PreflightAnswer =
  | { status: 200; headers: Record<string, string> }
  | { status: 403; headers: Record<string, string>; refusal: PreflightRefusal }

/** The preflight answer: status and headers, and for a refusal its reason. */
export function preflight(headers: Headers, allowed: readonly string[] | null, credentials: boolean): PreflightAnswer {
  const origin = headers.get('origin')
  if (allowed === null)
    return refuse(
      `CORS preflight refused: cross-origin requests are not enabled; add the page's origin${origin === null ? '' : ` (${origin})`} to cors_allow_origins of the <source @type http>`,
      'cors_allow_origins',
    )
  const method = headers.get('access-control-request-method')
  if (method !== 'POST')
    return refuse(
      `CORS preflight refused: ${method === null ? 'no Access-Control-Request-Method' : `Access-Control-Request-Method is ${method}`}; only POST is accepted`,
    )
  const base = {
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Allow-Headers': headers.get('access-control-request-headers') ?? '',
  }
  if (allowed.includes('*')) return { status: 200, headers: { ...base, 'Access-Control-Allow-Origin': '*' } }
  if (origin !== null && originAllowed(origin, allowed)) {
    return { status: 200, headers: { ...base, ...corsResponseHeaders(origin, allowed, credentials) } }
  }
  return refuse(
    origin === null
      ? 'CORS preflight refused: no Origin header'
      : `CORS preflight refused: origin ${origin} is not in cors_allow_origins; add it there to allow this page`,
    'cors_allow_origins',
  )
}

function refuse(reason: string, setting?: PreflightRefusal['setting']): PreflightAnswer {
  return { status: 403, headers: {}, refusal: setting === undefined ? { reason } : { reason, setting } }
}
