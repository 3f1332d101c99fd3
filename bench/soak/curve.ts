/**
 * @module The soak verdict: from RSS samples taken at a constant load, the median of the first
 * third against the median of the last third. Medians, not the first and last sample, so one
 * scavenge or one burst does not decide; thirds, so the warm-up (JIT, buffers reaching their
 * working size) is compared with the steady end rather than with the idle start.
 */

export interface SoakSample {
  /** Seconds since the load started. */
  t: number
  /** The daemon's VmRSS in bytes. */
  rss: number
  /** Events the load generator had acknowledged since the previous sample, per second. */
  eventsPerSec: number
  /** The daemon's CPU use since the previous sample (1 = one core). */
  cpu: number
}

export interface SoakVerdict {
  firstMedian: number
  lastMedian: number
  /** lastMedian − firstMedian, in bytes (negative: it shrank). */
  growth: number
  /** growth / firstMedian. */
  growthRatio: number
  maxRss: number
  /** The bound it was held to (a fraction of firstMedian). */
  bound: number
  ok: boolean
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Compares the first and the last third of the samples (at least 3 are needed). */
export function soakVerdict(samples: readonly SoakSample[], bound: number): SoakVerdict {
  if (samples.length < 3) throw new Error(`a soak verdict needs at least 3 samples, got ${samples.length}`)
  const third = Math.floor(samples.length / 3)
  const firstMedian = median(samples.slice(0, third).map((s) => s.rss))
  const lastMedian = median(samples.slice(samples.length - third).map((s) => s.rss))
  const growth = lastMedian - firstMedian
  return {
    firstMedian,
    lastMedian,
    growth,
    growthRatio: growth / firstMedian,
    maxRss: Math.max(...samples.map((s) => s.rss)),
    bound,
    ok: growth <= bound * firstMedian,
  }
}
