/**
 * @module The out_http request headers, for node-server's out_http and the edge's: the configured
 * `headers` (and, on Node, `headers_from_placeholders`), then `Content-Encoding: gzip` when the body
 * is gzip'd, the Content-Type (`content_type`, or the body format's), and `Authorization` from
 * `<auth>` — set after the configured headers, so these win over a header of the same name
 * (Fluentd sets the Content-Type after `headers` too).
 */

export interface RequestHeaderOptions {
  /** `headers` (and expanded `headers_from_placeholders`), as configured. */
  headers: Readonly<Record<string, string>>
  contentType: string
  gzip: boolean
  /** The `Authorization` value (`basicAuthorization`), or null. */
  authorization: string | null
}

/** The headers of one request. */
export function requestHeaders(o: RequestHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = { ...o.headers }
  if (o.gzip) headers['Content-Encoding'] = 'gzip'
  headers['Content-Type'] = o.contentType
  if (o.authorization !== null) headers.Authorization = o.authorization
  return headers
}

const textEncoder = new TextEncoder()

/** `Basic base64(username:password)`, the text as UTF-8 (as Ruby's Net::HTTP basic_auth packs it). */
export function basicAuthorization(username: string, password: string): string {
  const bytes = textEncoder.encode(`${username}:${password}`)
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i])
  return `Basic ${btoa(binary)}`
}
