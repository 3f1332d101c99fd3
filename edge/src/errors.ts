/**
 * @module The edge's delivery failure: a destination that could not take the events now (connect
 * or ack timeout, network error, 5xx/429 after the retries, a Queue that refused the batch).
 * The ingest answers 503 with Retry-After for it — nothing of the request was accepted and the
 * client should send it again — while other emit errors (a 4xx from a destination, a bug) are 500.
 */

import { isBufferBackpressure } from '../../engine/ingest/options.ts'

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError'
}

/** Emit failures worth a retry by the client (→ 503 + Retry-After). */
export function isRetryable(error: unknown): boolean {
  return error instanceof DeliveryError || (error instanceof Error && error.name === 'DeliveryError') || isBufferBackpressure(error)
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Resolves `promise`, or rejects with DeliveryError(`what` timed out) after `ms` (0: no limit), calling `onTimeout` first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  if (ms <= 0) return promise
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.()
      reject(new DeliveryError(`${what} timed out after ${ms / 1000} s`))
    }, ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
