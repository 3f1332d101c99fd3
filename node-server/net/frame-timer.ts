/**
 * @module The slowloris guard of a stream connection (`frame_timeout`: in_forward, in_tcp,
 * in_syslog): once a message has
 * started to arrive it must be complete within the limit. The clock restarts when a message
 * completes and another one begins, and stops while sluice itself is not reading (backpressure
 * pauses the socket), so only the peer's slowness counts. Restarting only moves a start time:
 * one timer per connection, re-armed for what is left when it fires early (no timer churn on
 * the read path).
 */

export class FrameTimer {
  private timer: ReturnType<typeof setTimeout> | null = null
  private startedAt = 0

  /** `ms` 0 disables the guard. */
  constructor(
    private readonly ms: number,
    private readonly onExpire: () => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A message is in progress: start the clock unless it runs. */
  start(): void {
    if (this.timer === null) this.restart()
  }

  /** A new message began (the previous one completed): a fresh window. */
  restart(): void {
    if (this.ms <= 0) return
    this.startedAt = this.clock()
    if (this.timer === null) this.arm(this.ms)
  }

  /** No message in progress, or not reading: no clock. */
  stop(): void {
    if (this.timer === null) return
    clearTimeout(this.timer)
    this.timer = null
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = null
      const left = this.startedAt + this.ms - this.clock()
      if (left > 0) this.arm(left)
      else this.onExpire()
    }, delay)
    this.timer.unref()
  }
}
