/**
 * @module The in_http listener: a node:http server (keep-alive idle timeout, backlog) where plain
 * POSTs take the fast path straight to the ingest handler (fast-path.ts) and every other request
 * goes to the ingest Hono app through @hono/node-server (both imported when the listener starts,
 * net/hono.ts: a daemon without in_http and without the API never loads them); a stop lets requests in flight finish and
 * closes idle connections, then every connection once the grace period is over.
 */

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type IngestHandler, ingestRoutes } from '../../../engine/ingest/handler.ts'
import type { Logger } from '../../../engine/log.ts'
import { nodeHttp } from '../../builtins.ts'
import { loadHono } from '../../net/hono.ts'
import { listenOn } from '../listen.ts'
import { serveFast, takesFastPath } from './fast-path.ts'

/** How often a stopping listener closes the connections that became idle. */
const SWEEP_MS = 50

export interface ListenOptions {
  bind: string
  port: number
  backlog: number | null
  keepaliveTimeoutMs: number
}

export class HttpListener {
  private server: Server | null = null

  constructor(
    private readonly ingest: IngestHandler,
    private readonly options: ListenOptions,
    private readonly log: Logger,
  ) {}

  async listen(): Promise<void> {
    const { Hono, getRequestListener } = await loadHono()
    const app = ingestRoutes(new Hono(), this.ingest)
    // hostname: the URL host for requests without a Host header (HTTP/1.0 clients); routing ignores it.
    const viaApp = getRequestListener(app.fetch, { hostname: 'localhost' })
    const ingest = this.ingest
    const server = nodeHttp().createServer((req, res) => {
      if (takesFastPath(req, ingest)) serveFast(req, res, ingest)
      else void viaApp(req, res)
    })
    server.keepAliveTimeout = this.options.keepaliveTimeoutMs
    // Headers must arrive within the keep-alive window of an idle connection too.
    server.headersTimeout = Math.max(server.headersTimeout, this.options.keepaliveTimeoutMs + 1000)
    await listenOn(server, this.options)
    server.on('error', (error) => this.log.error('Listener error.', { error: error.message }))
    // The daemon logs `listening … port=N` for every listener (ops/start-agent.ts): one line, not two.
    this.server = server
  }

  /** The bound address (tests listen on port 0 and read the port here). */
  address(): AddressInfo {
    if (this.server === null) throw new Error('in_http is not listening')
    return this.server.address() as AddressInfo
  }

  /** Stops accepting; requests in flight finish (their emits complete) within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const server = this.server
    if (server === null) return
    this.server = null
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    // close() only drops the connections idle right now: sweep again as requests in flight finish.
    server.closeIdleConnections()
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS)
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs)
    })
    if ((await Promise.race([closed, late])) === 'late') {
      this.log.warn('Closing connections still open after the grace period.', { grace_ms: graceMs })
      server.closeAllConnections()
      await closed
    }
    clearInterval(sweep)
    clearTimeout(timer)
  }
}
