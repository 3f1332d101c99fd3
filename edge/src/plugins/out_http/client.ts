/**
 * @module One body to the endpoint, retried within the emit's budget (the policy is
 * engine/output/http/retry.ts): 2xx resolves; a retryable answer (429, 5xx by default) or a
 * network error / read timeout waits retry_wait (doubling, or the answer's Retry-After when it
 * fits) and tries again while retry_max_times and retry_timeout allow, then rejects with
 * DeliveryError (the ingest answers 503: the client retries later). Any other answer rejects at
 * once with a plain Error (500: sending again will not help).
 */

import type { Logger } from '../../../../engine/log.ts'
import { responseOutcome, retryAfterMs, retryDelay } from '../../../../engine/output/http/retry.ts'
import { DeliveryError, messageOf } from '../../errors.ts'
import type { HttpOptions } from './options.ts'

export async function sendBody(doFetch: typeof fetch, body: Uint8Array, o: HttpOptions, log: Logger, sleep = defaultSleep): Promise<void> {
  const started = Date.now()
  let wait = o.retryWaitMs
  for (let attempt = 0; ; attempt++) {
    let failure: string
    let retryAfter: number | null = null
    try {
      const response = await doFetch(o.endpoint, {
        method: o.method,
        headers: o.headers,
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(o.readTimeoutMs),
      })
      const text = await response.text().catch(() => '')
      const outcome = responseOutcome(response.status, o.retryable)
      if (outcome === 'ok') return
      failure = `${o.endpoint} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`
      if (outcome === 'fail') throw new Error(failure)
      retryAfter = retryAfterMs(response.headers.get('retry-after'))
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(`${o.endpoint} answered`)) throw error
      failure = `${o.endpoint}: ${messageOf(error)}`
    }
    const delay = retryDelay(o, attempt, Date.now() - started, wait, retryAfter)
    if (delay === null) throw new DeliveryError(`${failure} (after ${attempt + 1} attempt${attempt === 0 ? '' : 's'})`)
    log.warn('http output: retrying', { endpoint: o.endpoint, attempt: attempt + 1, delay_ms: delay, error: failure })
    await sleep(delay)
    wait *= 2
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
