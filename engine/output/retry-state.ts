/**
 * @module The retry state machine of a buffered output (Fluentd's plugin_helper/retry_state.rb,
 * §5.3): one per output, created by the first failed flush and dropped by the next success.
 * Exponential backoff (`retry_wait × base^k`, capped by `retry_max_interval`) or periodic waits,
 * randomized by ±12.5 %; the budget is `retry_timeout` and/or `retry_max_times` unless
 * `retry_forever`; with a `<secondary>`, flushes move to it after `retry_secondary_threshold` of
 * the budget. Times are milliseconds since the epoch from the output's clock.
 */

export interface RetryOptions {
  type: 'exponential_backoff' | 'periodic'
  /** Seconds. */
  wait: number
  /** Seconds. */
  timeout: number
  forever: boolean
  maxSteps: number | null
  backoffBase: number
  /** Seconds. */
  maxInterval: number | null
  randomize: boolean
  secondary: boolean
  secondaryThreshold: number
}

const RANDOMIZE_WIDTH = 0.125

export class RetryState {
  readonly start: number
  steps = 0
  nextTime: number
  private readonly timeoutAt: number
  private reachedTimeout = false
  private timedOut = false
  private current: 'primary' | 'secondary' = 'primary'
  private readonly secondaryTransitionAt: number | null = null
  private secondaryTransitionSteps = 0

  constructor(
    private readonly options: RetryOptions,
    private readonly now: () => number,
    private readonly random: () => number = Math.random,
  ) {
    this.start = now()
    this.timeoutAt = this.start + options.timeout * 1000
    if (options.secondary) {
      let budget = options.timeout
      if (options.maxSteps !== null) budget = Math.min(budget, this.maxRetryTimeout(options.maxSteps))
      this.secondaryTransitionAt = this.start + budget * options.secondaryThreshold * 1000
    }
    this.nextTime = this.start + options.wait * 1000
  }

  /** Seconds to wait before retry number `k` (0-based), before randomization. */
  interval(k: number): number {
    const o = this.options
    if (o.type === 'periodic') return o.wait
    let interval = o.wait * o.backoffBase ** k
    while (!Number.isFinite(interval) && k > 0) interval = o.wait * o.backoffBase ** --k
    return o.maxInterval !== null && interval > o.maxInterval ? o.maxInterval : interval
  }

  private maxRetryTimeout(steps: number): number {
    let total = 0
    for (let i = 0; i < steps; i++) total += this.interval(i)
    return total
  }

  private randomized(seconds: number): number {
    if (!this.options.randomize) return seconds
    return seconds + seconds * RANDOMIZE_WIDTH * (2 * this.random() - 1)
  }

  private naiveNext(k: number): number {
    return this.now() + this.randomized(this.interval(k)) * 1000
  }

  private calcNextTime(): number {
    const o = this.options
    if (o.forever || !o.secondary) {
      const naive = this.naiveNext(this.steps)
      return o.forever ? naive : Math.min(naive, this.timeoutAt)
    }
    if (this.current === 'primary') return Math.min(this.naiveNext(this.steps), this.secondaryTransitionAt!)
    return Math.min(this.naiveNext(this.steps - this.secondaryTransitionSteps), this.timeoutAt)
  }

  /** Should flushes go to the secondary now? */
  secondary(): boolean {
    const o = this.options
    return !o.forever && o.secondary && (this.current === 'secondary' || this.now() >= this.secondaryTransitionAt!)
  }

  /** One more failed attempt: advance the steps (when the wait was over) and the next time. */
  failed(): void {
    if (this.now() >= this.nextTime) this.step()
    else this.nextTime = this.calcNextTime()
  }

  step(): void {
    this.steps++
    const o = this.options
    if (!o.forever && o.secondary && this.current !== 'secondary' && this.now() >= this.secondaryTransitionAt!) {
      this.current = 'secondary'
      this.secondaryTransitionSteps = this.steps
    }
    this.nextTime = this.calcNextTime()
    if (this.reachedTimeout) this.timedOut = this.nextTime >= this.timeoutAt
    else this.reachedTimeout = this.nextTime >= this.timeoutAt
  }

  /** The budget is spent: give up (never with retry_forever). */
  limit(): boolean {
    if (this.options.forever) return false
    return this.timedOut || (this.options.maxSteps !== null && this.steps >= this.options.maxSteps)
  }
}
