/**
 * @module in_http's CORS (Fluentd's): with `cors_allow_origins` set, a request whose Origin is not
 * allowed gets 403 (a request without Origin — server to server — is allowed); allowed ones get
 * Access-Control-Allow-Origin (`*`, or the origin echoed, plus Allow-Credentials when asked).
 * OPTIONS is the preflight: 403 unless CORS is configured, the requested method is POST and the
 * origin is allowed; else 200 with Allow-Methods POST and the requested headers echoed.
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

/** The preflight answer: status and headers. */
export function preflight(
  headers: Headers,
  allowed: readonly string[] | null,
  credentials: boolean,
): { status: 200 | 403; headers: Record<string, string> } {
  if (allowed === null) return { status: 403, headers: {} }
  if (headers.get('access-control-request-method') !== 'POST') return { status: 403, headers: {} }
  const base = {
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Allow-Headers': headers.get('access-control-request-headers') ?? '',
  }
  const origin = headers.get('origin')
  if (allowed.includes('*')) return { status: 200, headers: { ...base, 'Access-Control-Allow-Origin': '*' } }
  if (origin !== null && originAllowed(origin, allowed)) {
    return { status: 200, headers: { ...base, ...corsResponseHeaders(origin, allowed, credentials) } }
  }
  return { status: 403, headers: {} }
}
