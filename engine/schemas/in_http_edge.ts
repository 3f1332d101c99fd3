/**
 * @module The edge source's schema (`<source @type http>`): in_http's params with the edge's
 * defaults and its own (responses, max_events_per_request, record_size_limit), from
 * engine/ingest/edge-schema.ts. There are no listener params: the Worker is the listener.
 * Free of runtime imports: the designer reads it.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { PluginSchema } from '../config/schema.ts'
import { edgeIngestParams, type EdgeIngestConfig } from '../ingest/edge-schema.ts'
import { ingestParseSection } from '../ingest/schema.ts'

export const inHttpEdgeSchema: PluginSchema = {
  params: edgeIngestParams,
  sections: [ingestParseSection],
  compat: { convert: ['parser'] },
}

export type InHttpEdgeConfig = EdgeIngestConfig

export const inHttpEdgeDescriptor: PluginDescriptor<'input'> = {
  name: 'http',
  kind: 'input',
  description: 'The edge ingest: POST /<tag> with JSON, NDJSON, msgpack, forms or sendBeacon bodies (the Worker is the listener).',
  schema: inHttpEdgeSchema,
  runtimes: ['workers'],
}
