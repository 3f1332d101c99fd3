/**
 * @module The edge source (`<source @type http>`): the shared ingest app (engine/ingest, the same
 * app node-server's in_http serves) emitting into the source's router (the root, or its @label).
 * The Worker serves the app behind the edge's auth (a plain POST straight to its handler:
 * `Ingest.direct`); a delivery failure of the outputs answers 503
 * with Retry-After (the client sends again), other emit failures 500.
 */

import type { Hono } from 'hono'
import { createIngest, type Ingest } from '../../../../engine/ingest/app.ts'
import { edgeIngestOptionsFromConfig } from '../../../../engine/ingest/edge-schema.ts'
import type { IngestOptions } from '../../../../engine/ingest/options.ts'
import type { InputPlugin, PluginSpec } from '../../../../engine/plugin.ts'
import { isRetryable } from '../../errors.ts'
import { inHttpEdgeDescriptor, type InHttpEdgeConfig } from '../../../../engine/schemas/in_http_edge.ts'

export interface EdgeHttpSource extends InputPlugin {
  readonly app: Hono
  /** The app's handler too: a plain POST goes to it without the app's dispatch (`ingest.direct`). */
  readonly ingest: Ingest
  readonly options: Omit<IngestOptions, 'emit'>
}

export const inHttpEdge: PluginSpec<'input', InHttpEdgeConfig> = {
  ...inHttpEdgeDescriptor,
  create(ctx, config): EdgeHttpSource {
    // A `<parse>` other than in_http reads every body (engine/ingest/parsed-body.ts).
    const options = edgeIngestOptionsFromConfig(config, (section) => ctx.createParser(section))
    const ingest = createIngest({
      ...options,
      core: ctx.core,
      emit: (stream) => ctx.router.emit(stream),
      now: ctx.now,
      log: ctx.log,
      metrics: ctx.metrics,
      remoteAddr: (c) => c.req.header('cf-connecting-ip'),
      isBackpressure: isRetryable,
    })
    return { app: ingest.app, ingest, options }
  },
}
