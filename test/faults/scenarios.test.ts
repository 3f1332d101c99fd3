/**
 * @module The seven fault scenarios in their short form (each well under a minute, about two and
 * a half in all), with real sluice processes, the real `sluice bench` and loopback ports: no acknowledged
 * event may be lost, no sluice process may crash, the client must end without errors. The full
 * versions run with `npm run test:faults` (test/faults/main.ts).
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ScenarioResult } from './harness/result.ts'
import { SCENARIOS } from './scenarios/index.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const LOAD_S = 8
const RATE = 2000

async function run(id: string): Promise<ScenarioResult> {
  const spec = SCENARIOS.find((s) => s.id === id)!
  const dir = mkdtempSync(join(tmpdir(), `sluice-faults-${id}-`))
  dirs.push(dir)
  const r = await spec.run({ dir, durationS: LOAD_S, rate: RATE, log: () => undefined }, true)
  const lost = `lost acked: ${r.tally.lostAcked} (e.g. seq ${r.tally.lostSamples.join(', ')}); notes: ${r.notes.join(' | ')}`
  expect(r.bench.errors, 'bench errors').toEqual([])
  expect(r.tally.lostAcked, lost).toBe(0)
  expect(r.crashes, 'unexpected sluice exits').toBe(0)
  expect(r.tally.acked).toBeGreaterThan(0)
  expect(r.tally.delivered).toBeGreaterThanOrEqual(r.tally.acked)
  return r
}

describe('fault scenarios (short)', () => {
  it('1: SIGKILL the forwarder every few seconds under load — nothing acked is lost', async () => {
    const r = await run('1')
    expect(r.notes[0]).toMatch(/^[1-9]\d* SIGKILLs/)
  }, 90_000)

  it('2: the upstream down, then flapping — the forwarder buffers and delivers everything acked', async () => {
    const r = await run('2')
    // While it was down, flushes failed and were retried (whether heartbeats detached it in time or not).
    expect(r.notes[1]).toMatch(/failed flushes \(retry steps\): [1-9]/)
  }, 90_000)

  it('3: a slow upstream — backpressure reaches the client, memory stays bounded', async () => {
    const r = await run('3')
    expect(r.bench.ackedEvents! / (r.bench.elapsedMs / 1000)).toBeLessThan(RATE)
  }, 90_000)

  it('4: a full disk — refused writes are not acked, resent, delivered once space frees', async () => {
    await run('4')
  }, 90_000)

  it('5: a fuzzer beside a well-behaved client — the forwarder survives, the client loses nothing', async () => {
    const r = await run('5')
    expect(r.notes[0]).toMatch(/forwarder alive throughout/)
  }, 90_000)

  it('6: 10,000 idle connections and slowloris senders — the client still gets through', async () => {
    const r = await run('6')
    expect(r.title).toMatch(/idle connections/)
  }, 90_000)

  it('7: SIGKILL the relay under full load — nothing acked is lost, duplicates within what was in flight', async () => {
    const r = await run('7')
    expect(r.notes[0]).toMatch(/^[1-9]\d* SIGKILLs/)
    expect(r.duplicateBound).toBeGreaterThan(0)
    expect(r.tally.duplicated).toBeLessThanOrEqual(r.duplicateBound!)
  }, 120_000)
})
