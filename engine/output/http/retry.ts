/**
 * @module The out_http retry policy, for node-server's out_http and the edge's. An answer is `ok`
 * (2xx), `retry` (a retryable status: by default 429, 500, 502, 503, 504 — rate limits and
 * overloaded or restarting servers and proxies; `retryable_response_codes` replaces the list) or
 * `fail` (anything else: sending the same body again will not help). Network errors and timeouts
 * are retried too. node-server's buffered out_http leaves the waiting to its buffer (backoff);
 * the edge, which has no buffer, retries within the request: `retryDelay` gives the next wait —
 * `retry_wait` doubling, or the answer's `Retry-After` when it has one — or null when
 * `retry_max_times` or `retry_timeout` is spent.
 */

import { DEFAULT_RETRYABLE_CODES } from '../../schemas/out_http.ts'

export { DEFAULT_RETRYABLE_CODES }

export type ResponseOutcome = 'ok' | 'retry' | 'fail'

/** What a status means for the chunk or body that was sent. */
export function responseOutcome(status: number, retryable: Iterable<number>): ResponseOutcome {
  if (status >= 200 && status < 300) return 'ok'
  for (const code of retryable) if (code === status) return 'retry'
  return 'fail'
}

/** A `Retry-After` header as milliseconds from `nowMs` (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs)
}

export interface RetryBudget {
  /** Retries after the first attempt. */
  retryMaxTimes: number
  /** The whole budget (attempts and waits) in ms: no retry starts past it. */
  retryTimeoutMs: number
}

/**
 * The wait before the next attempt after attempt number `attempt` (0-based) failed, or null when
 * the budget is spent: the answer's Retry-After when it gave one, else `waitMs` (the caller doubles
 * it after each retry); null when `attempt` was the last allowed or the wait would end past
 * `retryTimeoutMs` counted from the first attempt.
 */
export function retryDelay(
  budget: RetryBudget,
  attempt: number,
  elapsedMs: number,
  waitMs: number,
  retryAfter: number | null,
): number | null {
  const delay = retryAfter ?? waitMs
  if (attempt >= budget.retryMaxTimes || elapsedMs + delay >= budget.retryTimeoutMs) return null
  return delay
}
