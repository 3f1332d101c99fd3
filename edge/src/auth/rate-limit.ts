/**
 * @module A per-token rate limit (token bucket: `rate` requests per second, `burst` at once).
 * It lives in the isolate's memory, so it guarantees at most rate × (isolates serving the token)
 * requests per second — Cloudflare runs many isolates across and within locations. A global
 * guarantee needs a Durable Object per token (not done: see edge/README.md). The bucket map is
 * bounded (the least recently inserted buckets are dropped first).
 */

export interface RateSpec {
  rate: number
  burst: number
}

const MAX_BUCKETS = 10_000

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; last: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one request from `key`'s bucket: 0 when allowed, else the seconds until one is. */
  take(key: string, spec: RateSpec): number {
    const now = this.now()
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!)
      bucket = { tokens: spec.burst, last: now }
      this.buckets.set(key, bucket)
    }
    bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.last) / 1000) * spec.rate)
    bucket.last = now
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / spec.rate))
  }
}

/** `"100"` or `"100/200"` (rate/burst) → a spec; null for empty. */
export function parseRate(text: string | undefined): RateSpec | null {
  if (text === undefined || text.trim() === '') return null
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?\s*$/.exec(text)
  if (m === null || Number(m[1]) <= 0)
    throw new Error(`SLUICE_RATE_LIMIT ${JSON.stringify(text)}: write requests per second, optionally /burst (e.g. 50 or 50/100)`)
  const rate = Number(m[1])
  return { rate, burst: m[2] === undefined ? rate : Math.max(1, Number(m[2])) }
}
