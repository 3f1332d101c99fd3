/**
 * @module Shared pieces of the ingest suite: the target a runner supplies, the fixed clock, and
 * request builders (gzip via CompressionStream: runtime-neutral).
 */

import type { EventTime } from '../../event-time.ts'

export interface IngestedEvent {
  tag: string
  time: EventTime
  record: Record<string, unknown>
}

/** in_http params as written in a .conf (`cors_allow_origins` as a list). */
export type IngestParams = Record<string, string | number | boolean | readonly string[]>

export interface IngestTarget {
  /** Answers a request; runners replace the URL's origin with their own. */
  fetch(request: Request): Promise<Response>
  /** Every event emitted so far, in order. */
  events(): IngestedEvent[]
  /** From now on emits throw this error (null: accept again). */
  failEmits(error: Error | null): void
  /** What REMOTE_ADDR looks like for a request without X-Forwarded-For; null when the runner has no peer. */
  peerAddress: RegExp | null
  close(): Promise<void>
}

export type MakeTarget = (params: IngestParams, now: () => number) => Promise<IngestTarget>

/** The suite's fixed clock (ms): events without a time get this. */
export const NOW_MS = 1_700_000_000_123

export interface SuiteContext {
  /** A target with these params, closed after the test. */
  target(params?: IngestParams): Promise<IngestTarget>
}

export const URL_BASE = 'http://ingest.test'

/** A POST to `path` with a body and content type. */
export function post(
  path: string,
  body: BodyInit | Uint8Array | null,
  contentType?: string,
  headers: Record<string, string> = {},
): Request {
  return new Request(URL_BASE + path, {
    method: 'POST',
    body: body as BodyInit | null,
    headers: contentType === undefined ? headers : { 'content-type': contentType, ...headers },
  })
}

/** Compresses with the runtime's CompressionStream (gzip, deflate = zlib, deflate-raw). */
export async function compress(data: Uint8Array | string, format: CompressionFormat): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream(format))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}
