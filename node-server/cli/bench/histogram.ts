/**
 * @module Latency histogram with constant memory: log buckets 1 % wide from 1 µs, exact count,
 * mean and max. Percentiles are the upper edge of their bucket (at most 1 % high).
 */

const GROWTH = Math.log(1.01)

export interface LatencySummary {
  count: number
  meanMs: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
}

export class Histogram {
  private readonly counts = new Map<number, number>()
  count = 0
  private sum = 0
  private max = 0

  /** Records one value in milliseconds. */
  record(ms: number): void {
    const us = Math.max(1, ms * 1000)
    const bucket = Math.floor(Math.log(us) / GROWTH)
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1)
    this.count++
    this.sum += ms
    if (ms > this.max) this.max = ms
  }

  /** The value under which `q` (0..1) of the records fall, in milliseconds. */
  percentile(q: number): number {
    if (this.count === 0) return 0
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!
      if (seen >= rank) return Math.min(this.max, Math.exp((bucket + 1) * GROWTH) / 1000)
    }
    return this.max
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      meanMs: this.count ? this.sum / this.count : 0,
      p50Ms: this.percentile(0.5),
      p90Ms: this.percentile(0.9),
      p99Ms: this.percentile(0.99),
      maxMs: this.max,
    }
  }

  /** Adds another histogram's records (one per connection → the total). */
  merge(other: Histogram): void {
    for (const [b, n] of other.counts) this.counts.set(b, (this.counts.get(b) ?? 0) + n)
    this.count += other.count
    this.sum += other.sum
    if (other.max > this.max) this.max = other.max
  }
}
