/**
 * @module The ingest app (Fluentd's in_http contract as a Hono app, runtime-neutral): the handler
 * and routes of handler.ts on a new Hono app. node-server's in_http builds the same app itself once
 * it starts (it imports Hono lazily); the Workers edge and the suites use this module.
 *
 * @example
 * const app = createIngestApp({ core, emit: (stream) => router.emit(stream) })
 * await app.request('/app/web', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"k":"v"}' })
 */

import { Hono } from 'hono'
import { createIngestHandler, type IngestHandler, ingestRoutes } from './handler.ts'
import type { IngestOptions } from './options.ts'

export { requestPath, tagFromPath } from './request.ts'
export { createIngestHandler, type IngestHandler, ingestRoutes } from './handler.ts'

/** The ingest: the Hono app, and its POST handler for servers that call it directly. */
export interface Ingest extends IngestHandler {
  /** Routes (GET health, OPTIONS preflight, everything else ingests), the CORS and body-size guards, errors. */
  readonly app: Hono
}

export function createIngestApp(options: IngestOptions): Hono {
  return createIngest(options).app
}

export function createIngest(options: IngestOptions): Ingest {
  const handler = createIngestHandler(options)
  return { ...handler, app: ingestRoutes(new Hono(), handler) }
}
