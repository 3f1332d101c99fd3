/**
 * @module in_http (`@type http`): Fluentd's HTTP input. The request handling is the runtime-neutral
 * ingest app (engine/ingest, shared with the Workers edge); this plugin serves it on node:http —
 * plain POSTs straight to the ingest handler (fast-path.ts), the rest through the Hono app — and
 * feeds the agent's router. Each answer waits for the router's emit (a file buffer write); a full
 * buffer answers 503 + Retry-After, with overflow_action block too (the emit runs withoutBlocking).
 */

import type { AddressInfo } from 'node:net'
import { createIngestHandler } from '../../../engine/ingest/handler.ts'
import { withoutBlocking } from '../../../engine/output/backpressure.ts'
import { ingestOptionsFromConfig } from '../../../engine/ingest/schema.ts'
import type { InputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { inHttpDescriptor, type InHttpConfig } from '../../../engine/schemas/in_http.ts'
import { hono } from '../../net/hono.ts'
import { HttpListener } from './server.ts'

export interface InHttpPlugin extends InputPlugin {
  /** The bound address once started. */
  address(): AddressInfo
}

export const inHttp: PluginSpec<'input', InHttpConfig> = {
  ...inHttpDescriptor,
  create(ctx, config): InHttpPlugin {
    const ingest = createIngestHandler({
      // A `<parse>` other than in_http reads every body (engine/ingest/parsed-body.ts).
      ...ingestOptionsFromConfig(config, (section) => ctx.createParser(section)),
      core: ctx.core,
      // A full buffer with overflow_action block answers 503 + Retry-After at once (no held request).
      emit: (stream) => withoutBlocking(() => ctx.router.emit(stream)),
      now: ctx.now,
      log: ctx.log,
      metrics: ctx.metrics,
      // Asked only by the Hono app, which the listener makes after loading Hono (net/hono.ts).
      remoteAddr: (c) => hono().getConnInfo(c).remote.address,
    })
    const listener = new HttpListener(
      ingest,
      {
        bind: config.bind,
        port: config.port,
        backlog: config.backlog,
        keepaliveTimeoutMs: config.keepalive_timeout * 1000,
      },
      ctx.log,
    )
    return {
      start: () => listener.listen(),
      stop: () => listener.stop(),
      address: () => listener.address(),
    }
  },
}
