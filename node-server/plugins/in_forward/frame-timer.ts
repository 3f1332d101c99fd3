/**
 * @module The slowloris guard of an in_forward connection (`frame_timeout`): once a message has
 * started to arrive it must be complete within the limit. The clock restarts when a message
 * completes and another one begins, and stops while sluice itself is not reading (backpressure
 * pauses the socket), so only the peer's slowness counts.
 */

export class FrameTimer {
  private timer: ReturnType<typeof setTimeout> | null = null

  /** `ms` 0 disables the guard. */
  constructor(private readonly ms: number, private readonly onExpire: () => void) {}

  /** A message is in progress: start the clock unless it runs. */
  start(): void {
    if (this.timer === null) this.restart()
  }

  /** A new message began (the previous one completed): a fresh window. */
  restart(): void {
    if (this.ms <= 0) return
    this.stop()
    this.timer = setTimeout(() => {
      this.timer = null
      this.onExpire()
    }, this.ms)
    this.timer.unref()
  }

  /** No message in progress, or not reading: no clock. */
  stop(): void {
    if (this.timer === null) return
    clearTimeout(this.timer)
    this.timer = null
  }
}
