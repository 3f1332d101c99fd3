/**
 * @module The phi accrual failure detector, as Fluentd's out_forward has it (§2.4): a window of
 * up to 1,000 heartbeat gaps seeded with one `heartbeat_interval`; the mean is linearly weighted
 * (newest heaviest) and normalized to a 1 s interval; phi = t / mean / ln 10 with
 * t = now − last − interval + 1. With 1 s heartbeats phi ≈ 0.434 × silence, so the default
 * threshold 16 detaches after ≈ 37 s. Times are seconds (floats), as in Fluentd.
 */

const PHI_FACTOR = 1 / Math.log(10)
const SAMPLE_SIZE = 1000

export class FailureDetector {
  private window: number[]
  private readonly initGap: number

  constructor(
    private readonly interval: number,
    private readonly hardTimeout: number,
    private last: number,
  ) {
    this.initGap = Math.trunc(interval * 1e6)
    this.window = [this.initGap]
  }

  hardTimeoutPassed(now: number): boolean {
    return now - this.last > this.hardTimeout
  }

  /** A heartbeat (or a successful send) arrived at `now`. */
  add(now: number): void {
    if (this.window.length === 0) {
      this.window.push(this.initGap)
    } else {
      this.window.push(Math.trunc((now - this.last) * 1e6))
      if (this.window.length > SAMPLE_SIZE) this.window.shift()
    }
    this.last = now
  }

  phi(now: number): number {
    const size = this.window.length
    if (size === 0) return 0
    let weighted = 0
    let factor = 0
    for (let i = 0; i < size; i++) {
      weighted += this.window[i] * (i + 1)
      factor += i + 1
    }
    const meanUsec = Math.trunc(weighted / factor)
    const mean = meanUsec / 1e6 - this.interval + 1
    const t = now - this.last - this.interval + 1
    return (PHI_FACTOR * t) / mean
  }

  get sampleSize(): number {
    return this.window.length
  }

  clear(): void {
    this.window = []
    this.last = 0
  }
}
