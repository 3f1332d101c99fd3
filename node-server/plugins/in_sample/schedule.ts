/**
 * @module in_sample's pace, as Fluentd's run loop: each second is split into 10 slots of 0.1 s;
 * every slot that starts within the second makes `floor(rate / 10)` emits, then the rest
 * (`rate % 10`) go at the end of the second, and the next second starts on the wall-clock
 * boundary. The first second starts when the plugin does (so it may have fewer slots). The clock
 * and the timer are injected: tests drive it with a fake clock.
 */

export const SLOTS_PER_SECOND = 10
const SLOT_MS = 1000 / SLOTS_PER_SECOND

export interface Clock {
  now(): number
  /** Calls `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void
}

export const realClock = (now: () => number): Clock => ({
  now,
  after(ms, fn) {
    const timer = setTimeout(fn, ms)
    return () => clearTimeout(timer)
  },
})

export class SampleSchedule {
  private cancel: (() => void) | null = null
  private second = 0
  private slot = 0
  private running = false
  /** While true (an emit is waiting for buffer space), slots are skipped: no pile-up. */
  busy = false

  constructor(
    private readonly rate: number,
    private readonly clock: Clock,
    /** Makes `emits` emits now. */
    private readonly emit: (emits: number) => void,
  ) {}

  start(): void {
    this.running = true
    this.beginSecond()
  }

  stop(): void {
    this.running = false
    this.cancel?.()
    this.cancel = null
  }

  private beginSecond(): void {
    this.second = Math.floor(this.clock.now() / 1000)
    this.slot = 0
    this.tick()
  }

  private tick(): void {
    if (!this.running) return
    const started = this.clock.now()
    if (this.slot < SLOTS_PER_SECOND && Math.floor(started / 1000) <= this.second) {
      this.slot++
      this.fire(Math.floor(this.rate / SLOTS_PER_SECOND))
      const wait = Math.max(0, SLOT_MS - (this.clock.now() - started))
      this.cancel = this.clock.after(wait, () => this.tick())
      return
    }
    this.fire(this.rate % SLOTS_PER_SECOND)
    const next = (this.second + 1) * 1000 - this.clock.now()
    this.cancel = this.clock.after(Math.max(0, next), () => this.beginSecond())
  }

  private fire(emits: number): void {
    if (emits > 0 && !this.busy) this.emit(emits)
  }
}
