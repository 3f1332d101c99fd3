/**
 * @module in_http's fast path: a plain POST (or PUT …) goes straight from node:http to the ingest
 * handler (engine/ingest `IngestHandler.handle`) — the body read once from the socket into one buffer,
 * the answer written with `res.writeHead` / `res.end` — without the web Request, ReadableStream,
 * AbortSignal and Response objects a Hono request costs. Everything else goes to the Hono app:
 * GET / HEAD / OPTIONS, a request without Content-Length (streamed: the app counts it against
 * body_size_limit) or past body_size_limit (413), one with an Origin when cors_allow_origins is set
 * (the app's CORS guard), and targets the URL parser would rewrite (dot segments, `%2e`, characters
 * outside RFC 3986), so the path and query are exactly what the app would see.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { IngestHandler } from '../../../engine/ingest/handler.ts'
import type { IngestAnswer, IngestRequest } from '../../../engine/ingest/index.ts'

/** A request target the URL parser leaves as it is: RFC 3986 characters, no dot segment. */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*)?$/
const DOT_SEGMENT = /(^|\/)\.\.?(\/|\?|$)|%2e/i

/** True when the ingest handler may take this request directly (see the module comment). */
export function takesFastPath(req: IncomingMessage, ingest: IngestHandler): boolean {
  const method = req.method
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false
  const length = req.headers['content-length']
  if (length === undefined || !/^\d+$/.test(length) || Number(length) > ingest.options.bodySizeLimit) return false
  if (ingest.options.corsAllowOrigins !== null && req.headers.origin !== undefined) return false
  const target = req.url ?? ''
  return PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(target.split('?', 1)[0])
}

/** Serves one request the fast path takes. */
export function serveFast(req: IncomingMessage, res: ServerResponse, ingest: IngestHandler): void {
  const target = req.url!
  const q = target.indexOf('?')
  const body = readBody(req)
  const request: IngestRequest = {
    method: req.method!,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    header: (name) => {
      const v = req.headers[name]
      return Array.isArray(v) ? v.join(', ') : v
    },
    headers: () => {
      const h = new Headers()
      const raw = req.rawHeaders
      for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i], raw[i + 1])
      return h
    },
    body: () => body,
    peerAddress: () => req.socket.remoteAddress ?? null,
  }
  ingest.handle(request).then(
    (answer) => write(res, answer),
    (error: unknown) => {
      if (res.headersSent || req.destroyed) return
      write(res, ingest.failure(error, request))
    },
  )
}

/** The body in one buffer, read as it arrives (one chunk is used as it is). */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let single: Buffer | null = null
    let parts: Buffer[] | null = null
    let total = 0
    req.on('data', (chunk: Buffer) => {
      total += chunk.length
      if (single === null && parts === null) single = chunk
      else {
        parts ??= [single!]
        parts.push(chunk)
      }
    })
    req.on('end', () => {
      if (parts === null) resolve(single ?? new Uint8Array(0))
      else resolve(Buffer.concat(parts, total))
    })
    req.on('error', reject)
  })
}

const EMPTY = new Uint8Array(0)

/** Writes the answer: its headers as a flat list (Node's cheapest form), Content-Length, the body. */
function write(res: ServerResponse, answer: IngestAnswer): void {
  const body = answer.body
  const bytes = body === null ? null : body === '' ? EMPTY : typeof body === 'string' ? Buffer.from(body) : body
  const headers: string[] = []
  for (const name in answer.headers) headers.push(name, answer.headers[name])
  if (bytes !== null) headers.push('Content-Length', String(bytes.length))
  res.writeHead(answer.status, headers)
  res.end(bytes ?? undefined)
}
