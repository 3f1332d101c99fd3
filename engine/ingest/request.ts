/**
 * @module What the ingest handlers need of a request, and what they answer, without a web
 * `Request`/`Response`: the Hono app adapts both (app.ts), and a server can call the handler with
 * what it already holds — node-server's in_http hands over the body bytes read once from the
 * socket and writes the answer itself (no Request/Response objects on its hot path).
 */

export interface IngestRequest {
  method: string
  /** The path as sent (not percent-decoded), without the query. */
  path: string
  /** The query string as sent (undecoded), without `?` and fragment. */
  query: string
  /** A request header by lower-case name. */
  header(name: string): string | undefined
  /** All request headers (add_http_headers); iterated in the Fetch order (sorted, combined). */
  headers(): Headers
  /** The body bytes as sent. */
  body(): Promise<Uint8Array>
  /** The peer address of the connection (REMOTE_ADDR without X-Forwarded-For), when known. */
  peerAddress(): string | null
}

export interface IngestAnswer {
  status: number
  headers: Record<string, string>
  /** null: no body (204). */
  body: string | Uint8Array | null
}

/** The answer as a web Response (the Hono app). */
export function toResponse(answer: IngestAnswer): Response {
  return new Response(answer.body as BodyInit | null, { status: answer.status, headers: answer.headers })
}

/** `/a/b` → `a.b` (Ruby's split: trailing empty parts dropped); null for `/`. */
export function tagFromPath(path: string, prefix: string | null): string | null {
  const parts = path.slice(1).split('/')
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  if (parts.length === 0) return null
  const tag = parts.join('.')
  return prefix === null ? tag : `${prefix}.${tag}`
}

/** REMOTE_ADDR: the first X-Forwarded-For address, else the connection's peer (null when unknown, as Fluentd's nil). */
export function remoteAddrOf(req: IngestRequest): string | null {
  const forwarded = req.header('x-forwarded-for')
  if (forwarded !== undefined) return forwarded.split(',')[0].trim()
  return req.peerAddress()
}

/**
 * `new URL(url).pathname` (`query`: the index of the URL's `?`, −1 for none), without the URL
 * object when nothing in the path could change: the runtimes hand over serialized URLs, except
 * that a `%2e` segment (or a dot segment, a backslash) may still be raw, which the URL parser
 * resolves.
 */
export function requestPath(url: string, query = url.indexOf('?')): string {
  const at = url.indexOf('/', url.indexOf('//') + 2)
  const end = query >= 0 ? query : url.indexOf('#') >= 0 ? url.indexOf('#') : url.length
  if (at < 0 || at > end) return new URL(url).pathname
  const path = url.slice(at, end)
  return /%2e|\/\.|\\/i.test(path) ? new URL(url).pathname : path
}
