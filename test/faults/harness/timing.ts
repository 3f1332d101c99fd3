/**
 * @module Timing helpers for scenarios: a sleep that a stop signal cuts short, and a loop that runs
 * a step at jittered intervals until stopped (so kills land at any moment of the load).
 */

export class Stopper {
  stopped = false
  private wakers = new Set<() => void>()

  stop(): void {
    this.stopped = true
    for (const w of this.wakers) w()
    this.wakers.clear()
  }

  /** Sleeps `ms`, or less when stopped meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.wakers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wakers.add(done)
    })
  }
}

/** `ms` × a random factor in [1 − spread, 1 + spread]. */
export function jitter(ms: number, spread = 0.4): number {
  return ms * (1 - spread + Math.random() * 2 * spread)
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
