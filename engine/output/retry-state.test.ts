/** @module The retry state machine against Fluentd's numbers (§5.3). */

import { describe, expect, it } from 'vitest'
import { RetryState, type RetryOptions } from './retry-state.ts'

const base: RetryOptions = {
  type: 'exponential_backoff',
  wait: 1,
  timeout: 72 * 3600,
  forever: false,
  maxSteps: null,
  backoffBase: 2,
  maxInterval: null,
  randomize: false,
  secondary: false,
  secondaryThreshold: 0.8,
}

function run(options: Partial<RetryOptions>, steps: number, random = () => 0.5) {
  let now = 0
  const state = new RetryState({ ...base, ...options }, () => now, random)
  const waits = [state.nextTime - now]
  for (let i = 0; i < steps && !state.limit(); i++) {
    now = state.nextTime
    state.failed()
    waits.push(state.nextTime - now)
  }
  return { state, waits: waits.map((w) => w / 1000) }
}

describe('RetryState', () => {
  it('backs off exponentially from retry_wait, capped by retry_max_interval', () => {
    expect(run({}, 5).waits).toEqual([1, 2, 4, 8, 16, 32])
    expect(run({ maxInterval: 5 }, 5).waits).toEqual([1, 2, 4, 5, 5, 5])
    expect(run({ type: 'periodic', wait: 3 }, 3).waits).toEqual([3, 3, 3, 3])
  })

  it('randomizes by ±12.5 %', () => {
    expect(run({ randomize: true }, 2, () => 1).waits).toEqual([1, 2.25, 4.5])
    expect(run({ randomize: true }, 2, () => 0).waits).toEqual([1, 1.75, 3.5])
  })

  it('stops after retry_max_times steps, or when retry_timeout is spent, never with retry_forever', () => {
    const byTimes = run({ maxSteps: 3 }, 10)
    expect(byTimes.state.limit()).toBe(true)
    expect(byTimes.state.steps).toBe(3)
    const byTimeout = run({ timeout: 10 }, 100)
    expect(byTimeout.state.limit()).toBe(true)
    expect(byTimeout.waits).toEqual([1, 2, 4, 3, 0]) // capped at the timeout, then one last try
    expect(run({ forever: true, maxSteps: 2 }, 20).state.limit()).toBe(false)
  })

  it('switches to the secondary after retry_secondary_threshold of the budget', () => {
    let now = 0
    const state = new RetryState({ ...base, timeout: 100, secondary: true }, () => now)
    expect(state.secondary()).toBe(false)
    now = 80_000
    expect(state.secondary()).toBe(true)
  })
})
