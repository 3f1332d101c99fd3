/**
 * @module Hono, its middlewares and @hono/node-server for the daemon's HTTP API, its route designer
 * and in_http, imported when the first of them starts (`loadHono()`), not with every daemon: a
 * daemon without the API (`--no-api`, no monitor_agent) and without in_http never loads them. Together they cost ~4 MB of resident
 * memory at start (@hono/node-server reads the Request/Response globals, which load Node's bundled
 * undici). `createApiApp`, `createDesigner` and `listenApi` load them themselves; `createUiApi` is
 * synchronous and needs `loadHono()` awaited first (createDesigner does).
 * node-server/cli/lazy-modules.test.ts checks that a daemon without the API or in_http loads none of them.
 */

import type { createAdaptorServer, getRequestListener } from '@hono/node-server'
import type { getConnInfo } from '@hono/node-server/conninfo'
import type { Hono } from 'hono'
import type { bearerAuth } from 'hono/bearer-auth'
import type { bodyLimit } from 'hono/body-limit'
import type { streamSSE } from 'hono/streaming'

export interface HonoModules {
  Hono: typeof Hono
  bearerAuth: typeof bearerAuth
  bodyLimit: typeof bodyLimit
  streamSSE: typeof streamSSE
  createAdaptorServer: typeof createAdaptorServer
  getRequestListener: typeof getRequestListener
  getConnInfo: typeof getConnInfo
}

let loading: Promise<HonoModules> | null = null
let loaded: HonoModules | null = null

/** Imports the modules once; every later call answers the same ones. */
export function loadHono(): Promise<HonoModules> {
  loading ??= Promise.all([
    import('hono'),
    import('hono/bearer-auth'),
    import('hono/body-limit'),
    import('hono/streaming'),
    import('@hono/node-server'),
    import('@hono/node-server/conninfo'),
  ]).then(([hono, auth, limit, streaming, server, conninfo]) => {
    loaded = {
      Hono: hono.Hono,
      bearerAuth: auth.bearerAuth,
      bodyLimit: limit.bodyLimit,
      streamSSE: streaming.streamSSE,
      createAdaptorServer: server.createAdaptorServer,
      getRequestListener: server.getRequestListener,
      getConnInfo: conninfo.getConnInfo,
    }
    return loaded
  })
  return loading
}

/** The modules `loadHono()` imported; throws when it was not awaited yet (a bug of the caller). */
export function hono(): HonoModules {
  if (loaded === null) throw new Error('the HTTP API modules are not loaded yet: await loadHono() first')
  return loaded
}
