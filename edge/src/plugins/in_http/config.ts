/**
 * @module The edge source's schema (`<source @type http>`): in_http's params with the edge's
 * defaults and its own (responses, max_events_per_request, record_size_limit), from
 * engine/ingest/edge-schema.ts. There are no listener params: the Worker is the listener.
 * Free of runtime imports: the designer reads it.
 */

import type { PluginSchema } from '../../../../engine/config/schema.ts'
import { edgeIngestParams, type EdgeIngestConfig } from '../../../../engine/ingest/edge-schema.ts'
import { ingestParseSection } from '../../../../engine/ingest/schema.ts'

export const inHttpEdgeSchema: PluginSchema = {
  params: edgeIngestParams,
  sections: [ingestParseSection],
}

export type InHttpEdgeConfig = EdgeIngestConfig
