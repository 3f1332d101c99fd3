/**
 * @module The ingest app's options: where events go, the clock and logger, the limits, and the
 * in_http behaviours (Fluentd's parameter names in `schema.ts`). Everything a runtime must supply
 * (the emit target, the remote address of a connection) is an option, so node-server's in_http and
 * the Workers edge serve the same app.
 */

import type { Context } from 'hono'
import type { EventStream } from '../event-stream.ts'
import type { Logger } from '../log.ts'
import type { PluginMetrics } from '../metrics.ts'
import type { EmitResult } from '../plugin.ts'
import type { Core } from '../../wasm/core.ts'
import type { ParserPlugin } from '../parser/types.ts'

export interface IngestOptions {
  /** Where each request's events go; awaited before answering (backpressure). Throws/rejects = not accepted. */
  emit(stream: EventStream): EmitResult
  /** The WebAssembly core (PluginContext.core): JSON bodies become entries through its transcoder. Required by createIngest. */
  core?: Core
  /**
   * The `<parse>` parser when it is not Fluentd's default in_http one: every request body (after
   * Content-Encoding) is its one text, whatever the Content-Type; timeKey / keepTimeKey are then
   * the parser's business (parsed-body.ts).
   */
  parser?: ParserPlugin
  /** Milliseconds since the epoch (for events without a time). */
  now?: () => number
  log?: Logger
  metrics?: PluginMetrics
  /** `prefix` → tag `prefix.<path tag>`. */
  addTagPrefix?: string | null
  /** Most request body bytes as sent (compressed); more → 413. Default 32 MiB. */
  bodySizeLimit?: number
  /** Most bytes a gzip/deflate body may inflate to; more → 400. Default 256 MiB. */
  decompressionSizeLimit?: number
  /** The record field that holds the event time (default `time`). */
  timeKey?: string
  /** Keep the time field in the record. */
  keepTimeKey?: boolean
  addHttpHeaders?: boolean
  addRemoteAddr?: boolean
  addQueryParams?: boolean
  use204Response?: boolean
  respondWithEmptyImg?: boolean
  /** null: no CORS handling (OPTIONS → 403, any Origin accepted). */
  corsAllowOrigins?: readonly string[] | null
  corsAllowCredentials?: boolean
  /** Log 400/500 answers at error level (Fluentd's dump_error_log, default true). */
  dumpErrorLog?: boolean
  /** The peer address of the request's connection (runtime-specific); X-Forwarded-For wins over it. */
  remoteAddr?: (c: Context) => string | undefined
  /** Is this emit failure backpressure (→ 503 + Retry-After) rather than a failure (→ 500)? */
  isBackpressure?: (error: unknown) => boolean
  /** Retry-After seconds on a 503. Default 1. */
  retryAfterSeconds?: number
  /**
   * How the app answers. 'fluentd' (default): in_http's answers (200 empty text, invalid JSON
   * silently accepted). 'edge': JSON answers, 202 `{accepted, rejected: [{line, error}]}` with
   * per-item partial success, 413/415 for limits and unknown types (edge.ts).
   */
  responses?: 'fluentd' | 'edge'
  /** Most events one request may carry; more → 413, nothing accepted. Edge responses only. Default: no limit. */
  maxEventsPerRequest?: number
  /** Most msgpack bytes of one record; a larger one is refused on its own. Edge responses only. Default: no limit. */
  recordSizeLimit?: number
}

export type ResolvedIngestOptions = Required<Omit<IngestOptions, 'log' | 'metrics' | 'remoteAddr' | 'core' | 'parser'>> &
  Pick<IngestOptions, 'log' | 'metrics' | 'remoteAddr' | 'core' | 'parser'>

export const DEFAULT_BODY_SIZE_LIMIT = 32 * 1024 * 1024
export const DEFAULT_DECOMPRESSION_SIZE_LIMIT = 256 * 1024 * 1024

/** Names of the errors that mean "the buffer is full (or closing), try later": Fluentd's BufferOverflowError and the buffer's shutdown rejection. */
const BACKPRESSURE_ERRORS = new Set(['BufferOverflowError', 'BufferShutdownError'])

export function isBufferBackpressure(error: unknown): boolean {
  return error instanceof Error && BACKPRESSURE_ERRORS.has(error.name)
}

/** Fills defaults and checks combinations (throws with Fluentd's messages). */
export function resolveIngestOptions(options: IngestOptions): ResolvedIngestOptions {
  const resolved: ResolvedIngestOptions = {
    now: Date.now,
    addTagPrefix: null,
    bodySizeLimit: DEFAULT_BODY_SIZE_LIMIT,
    decompressionSizeLimit: DEFAULT_DECOMPRESSION_SIZE_LIMIT,
    timeKey: 'time',
    keepTimeKey: false,
    addHttpHeaders: false,
    addRemoteAddr: false,
    addQueryParams: false,
    use204Response: false,
    respondWithEmptyImg: false,
    corsAllowOrigins: null,
    corsAllowCredentials: false,
    dumpErrorLog: true,
    isBackpressure: isBufferBackpressure,
    retryAfterSeconds: 1,
    responses: 'fluentd',
    maxEventsPerRequest: Number.POSITIVE_INFINITY,
    recordSizeLimit: Number.POSITIVE_INFINITY,
    ...stripUndefined(options),
    emit: options.emit,
  }
  if (resolved.corsAllowCredentials && (resolved.corsAllowOrigins === null || resolved.corsAllowOrigins.includes('*'))) {
    throw new Error('Cannot enable cors_allow_credentials without specific origins')
  }
  if (resolved.addTagPrefix === '') throw new Error("'add_tag_prefix' parameter must not be empty")
  return resolved
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
