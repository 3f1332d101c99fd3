/**
 * @module The edge answers (`responses: 'edge'`): JSON everywhere. Success is `202
 * {"accepted": n, "rejected": [{"line", "index"?, "error"}], "rejected_count": n}` (the list is
 * cut at REJECTED_LISTED entries; the count is exact); errors are `{"error": "..."}` with 400, 401,
 * 403, 413, 415, 429, 500 or 503 (Retry-After on 429 and 503).
 */

import { type IngestAnswer, toResponse } from './request.ts'

type Headers = Record<string, string>

/** At most this many rejected items are listed in an answer. */
export const REJECTED_LISTED = 100

export interface Rejected {
  line: number
  index?: number
  error: string
}

export function jsonAnswer(status: number, body: unknown, headers: Headers = {}): IngestAnswer {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) }
}

export function edgeErrorAnswer(status: number, error: string, headers: Headers = {}, extra: Record<string, unknown> = {}): IngestAnswer {
  return jsonAnswer(status, { error, ...extra }, headers)
}

/** An edge error as a Response (the edge's own middleware and routes). */
export function edgeError(status: number, error: string, headers: Headers = {}, extra: Record<string, unknown> = {}): Response {
  return toResponse(edgeErrorAnswer(status, error, headers, extra))
}

/** The rejected items as listed in an answer (`index` only for array elements). */
export function rejectedList(items: readonly Rejected[]): Rejected[] {
  if (items.length === 0) return []
  return items
    .slice(0, REJECTED_LISTED)
    .map((item) =>
      item.index === undefined ? { line: item.line, error: item.error } : { line: item.line, index: item.index, error: item.error },
    )
}
