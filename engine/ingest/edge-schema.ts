/**
 * @module The params of the Workers edge's `<source @type http>`: in_http's params (same names)
 * with defaults that fit an isolate (128 MB of memory shared by its requests), plus the edge's
 * own: `responses`, `max_events_per_request`, `record_size_limit`. Runtime-neutral, so the
 * designer and the node tests can read it.
 */

import type { ParamSpec } from '../config/schema.ts'
import type { IngestOptions } from './options.ts'
import { type CreateParser, ingestOptionsFromConfig, ingestParams, type IngestConfig } from './schema.ts'

/** The edge's defaults where they differ from in_http's. */
export const EDGE_DEFAULTS = {
  body_size_limit: 8 * 1024 * 1024,
  decompression_size_limit: 32 * 1024 * 1024,
  max_events_per_request: 10_000,
  /** Fits one Cloudflare Queues message (128 KB) with room for the envelope. */
  record_size_limit: 100 * 1024,
} as const

export const edgeIngestParams: readonly ParamSpec[] = [
  ...ingestParams.map(
    (p): ParamSpec => (p.name in EDGE_DEFAULTS ? { ...p, default: EDGE_DEFAULTS[p.name as keyof typeof EDGE_DEFAULTS] } : p),
  ),
  {
    name: 'responses',
    type: 'enum',
    values: ['edge', 'fluentd'],
    default: 'edge',
    description:
      "edge: JSON answers, 202 {accepted, rejected: [{line, error}]} with per-line partial success; fluentd: in_http's answers (200, invalid JSON silently accepted).",
  },
  {
    name: 'max_events_per_request',
    type: 'integer',
    default: EDGE_DEFAULTS.max_events_per_request,
    description: 'Most events one request may carry; more → 413 and nothing is accepted (edge responses).',
  },
  {
    name: 'record_size_limit',
    type: 'size',
    default: EDGE_DEFAULTS.record_size_limit,
    description: 'Most msgpack bytes of one record; a larger record is refused with its line number (edge responses).',
  },
]

export interface EdgeIngestConfig extends IngestConfig {
  responses: 'edge' | 'fluentd'
  max_events_per_request: number
  record_size_limit: number
}

/** Maps the validated params to IngestOptions (without emit). */
export function edgeIngestOptionsFromConfig(config: EdgeIngestConfig, createParser?: CreateParser): Omit<IngestOptions, 'emit'> {
  if (config.max_events_per_request < 1) throw new Error('max_events_per_request must be at least 1')
  if (config.record_size_limit < 1) throw new Error('record_size_limit must be at least 1 byte')
  return {
    ...ingestOptionsFromConfig(config, createParser),
    responses: config.responses,
    maxEventsPerRequest: config.max_events_per_request,
    recordSizeLimit: config.record_size_limit,
  }
}
