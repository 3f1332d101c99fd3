/**
 * @module in_sample: the pace on a fake clock (rate split over 10 slots of 0.1 s plus the rest at
 * the end of each second, a first second that starts late, no emits while one waits), and the
 * plugin in a real agent (records in turn, the auto_increment_key counter, size, the `dummy`
 * names, config errors) counted over condition-based waits, never timed.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { captures } from '../../../test/helpers/capture-output.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { inSample } from './index.ts'
import { type Clock, SampleSchedule } from './schedule.ts'

/** A clock the test moves: timers fire in order as time advances. */
class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = []
  private nextId = 0
  constructor(public time: number) {}
  now = () => this.time
  after(ms: number, fn: () => void): () => void {
    const id = this.nextId++
    this.timers.push({ at: this.time + ms, fn, id })
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id)
    }
  }
  /** Moves to `until`, firing every timer due on the way. */
  advance(until: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id)
      const next = this.timers[0]
      if (next === undefined || next.at > until) break
      this.timers.shift()
      this.time = next.at
      next.fn()
    }
    this.time = until
  }
}

describe('in_sample pace (fake clock)', () => {
  it('rate 25: two emits in each of the 10 slots and 5 at the end of every second', () => {
    const clock = new FakeClock(1_000_000)
    const emits: [number, number][] = []
    const schedule = new SampleSchedule(25, clock, (n) => emits.push([clock.now(), n]))
    schedule.start()
    clock.advance(1_003_000 - 1)
    schedule.stop()
    // Three seconds of slots (20 each) and the two rests that close the first two (5 each).
    expect(emits.reduce((sum, [, n]) => sum + n, 0)).toBe(70)
    expect(emits.slice(0, 11).map(([at, n]) => [at - 1_000_000, n])).toEqual([
      [0, 2],
      [100, 2],
      [200, 2],
      [300, 2],
      [400, 2],
      [500, 2],
      [600, 2],
      [700, 2],
      [800, 2],
      [900, 2],
      [1000, 5],
    ])
  })

  it('a first second that starts late gets fewer slots; a rate below 10 goes at the end of each second', () => {
    const clock = new FakeClock(2_000_850)
    const emits: number[] = []
    new SampleSchedule(13, clock, (n) => emits.push(n)).start()
    clock.advance(2_002_060)
    // 2000.85 and 2000.95; the rest at 2001.05; ten slots from 2001.05; the rest, then 2002.05 (Fluentd drifts alike)
    expect(emits).toEqual([1, 1, 3, ...Array(10).fill(1), 3, 1])
    const slow = new FakeClock(5_000_000)
    const few: [number, number][] = []
    new SampleSchedule(3, slow, (n) => few.push([slow.now() - 5_000_000, n])).start()
    slow.advance(5_002_500)
    expect(few).toEqual([
      [1000, 3],
      [2000, 3],
    ])
  })

  it('skips slots while an emit waits', () => {
    const clock = new FakeClock(0)
    let emitted = 0
    const schedule = new SampleSchedule(10, clock, (n) => {
      emitted += n
    })
    schedule.start()
    schedule.busy = true
    clock.advance(1999)
    expect(emitted).toBe(1)
    schedule.busy = false
    clock.advance(2999)
    expect(emitted).toBe(11)
  })
})

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

async function start(source: string) {
  running = await startAgent(`<source>\n${source}</source>\n<match **>\n  @type capture\n  @id out\n</match>\n`, [inSample])
  return captures.get('out')!
}

describe('in_sample in an agent', () => {
  it('emits the samples in turn with a counter, at the current time', async () => {
    const out = await start(
      '  @type sample\n  tag sample.app\n  rate 50\n  auto_increment_key n\n  sample [{"a":1},{"b":"x","n":"replaced in place","c":true}]\n',
    )
    const before = Date.now() / 1000
    const events = await out.waitFor(7)
    expect(events.slice(0, 5).map((e) => [e.tag, e.record])).toEqual([
      ['sample.app', { a: 1, n: 0 }],
      ['sample.app', { b: 'x', n: 1, c: true }],
      ['sample.app', { a: 1, n: 2 }],
      ['sample.app', { b: 'x', n: 3, c: true }],
      ['sample.app', { a: 1, n: 4 }],
    ])
    expect(events[0].time.sec).toBeGreaterThanOrEqual(Math.floor(before) - 1)
  })

  it('answers to @type dummy and the dummy param, and emits `size` events per emit', async () => {
    const out = await start('  @type dummy\n  tag d\n  size 3\n  rate 20\n  dummy {"hello":"world"}\n')
    const events = await out.waitFor(6)
    expect(events[0].record).toEqual({ hello: 'world' })
    const plugin = running!.agent.plugins[0]
    expect(plugin.metrics.eventsOut % 3).toBe(0)
    expect(plugin.metrics.eventsOut).toBe(plugin.metrics.emits * 3)
  })

  it('uses the default sample', async () => {
    const out = await start('  @type sample\n  tag d\n  rate 20\n')
    expect((await out.waitFor(1))[0].record).toEqual({ message: 'sample' })
  })

  it('refuses a sample that is not objects, with Fluentd message', async () => {
    await expect(start('  @type sample\n  tag d\n  sample [{"a":1},2]\n')).rejects.toThrow(/1th element of sample, 2, is not a hash/)
    await expect(start('  @type sample\n  tag d\n  sample 1\n')).rejects.toThrow(/0th element of sample, 1, is not a hash/)
    await expect(start('  @type sample\n  tag d\n  sample {"a":\n')).rejects.toThrow(/JSON/)
  })
})
