/**
 * @module The HTTP ingest shared by node-server's in_http and the Workers edge: the Hono app, its
 * options and Fluentd-named params, and the shared conformance suite's entry point.
 */

export { createIngest, createIngestApp, type Ingest, tagFromPath } from './app.ts'
export type { IngestAnswer, IngestRequest } from './request.ts'
export {
  DEFAULT_BODY_SIZE_LIMIT,
  DEFAULT_DECOMPRESSION_SIZE_LIMIT,
  isBufferBackpressure,
  resolveIngestOptions,
  type IngestOptions,
} from './options.ts'
export { ingestOptionsFromConfig, ingestParams, ingestParseSection, type IngestConfig } from './schema.ts'
export { EMPTY_GIF } from './responses.ts'
export { PARAM_REQUIRED } from './payload.ts'
export {
  EDGE_DEFAULTS,
  edgeIngestOptionsFromConfig,
  edgeIngestParams,
  type EdgeIngestConfig,
} from './edge-schema.ts'
export { REJECTED_LISTED, type Rejected } from './edge-responses.ts'
