/**
 * @module The edge answers (`responses: 'edge'`): JSON everywhere. Success is `202
 * {"accepted": n, "rejected": [{"line", "index"?, "error"}], "rejected_count": n}` (the list is
 * cut at REJECTED_LISTED entries; the count is exact); errors are `{"error": "..."}` with 400, 401,
 * 403, 413, 415, 429, 500 or 503 (Retry-After on 429 and 503).
 */

import type { Item } from './items.ts'

type Headers = Record<string, string>

/** At most this many rejected items are listed in an answer. */
export const REJECTED_LISTED = 100

export interface Rejected {
  line: number
  index?: number
  error: string
}

export function json(status: number, body: unknown, headers: Headers = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } })
}

export function edgeError(status: number, error: string, headers: Headers = {}, extra: Record<string, unknown> = {}): Response {
  return json(status, { error, ...extra }, headers)
}

/** The rejected items as listed in an answer. */
export function rejectedList(items: readonly Item[]): Rejected[] {
  const out: Rejected[] = []
  for (const item of items) {
    if (out.length >= REJECTED_LISTED) break
    out.push(
      item.index === undefined ? { line: item.line, error: item.error! } : { line: item.line, index: item.index, error: item.error! },
    )
  }
  return out
}
