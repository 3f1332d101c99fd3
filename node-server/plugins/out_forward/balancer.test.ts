/**
 * @module Server selection and failure detection without sockets: the weight array (gcd, 6×n
 * replication, standby cover), round robin with skips and failover, the phi accrual numbers of
 * §2.4, and the envelope bytes.
 */

import { describe, expect, it } from 'vitest'
import { decode } from '@msgpack/msgpack'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import { LoadBalancer, NoNodesAvailable, type BalancedNode } from './balancer.ts'
import { envelopeHeader, envelopeOptions } from '../../../engine/forward/envelope.ts'
import { FailureDetector } from './phi.ts'

const node = (name: string, weight = 60, standby = false, available = true): BalancedNode & { available: boolean } => ({
  name,
  weight,
  standby,
  available,
})

const count = (order: readonly BalancedNode[]): Record<string, number> =>
  order.reduce<Record<string, number>>((acc, n) => {
    acc[n.name] = (acc[n.name] ?? 0) + 1
    return acc
  }, {})

describe('LoadBalancer', () => {
  it('repeats each server weight/gcd times, replicated up to 6 × the server count', () => {
    const log = createLogger(() => undefined)
    expect(count(new LoadBalancer([node('a', 60), node('b', 30)], log, 1).order)).toEqual({ a: 8, b: 4 })
    expect(count(new LoadBalancer([node('a', 60), node('b', 60), node('c', 0)], log, 1).order)).toEqual({ a: 6, b: 6 })
    expect(count(new LoadBalancer([node('a', 7), node('b', 3)], log, 1).order)).toEqual({ a: 7, b: 3 })
  })

  it('adds standby servers, in order, until the weight of the unavailable regular ones is covered', () => {
    const logs: LogRecord[] = []
    const a = node('a', 60, false, false)
    const s1 = node('s1', 30, true)
    const s2 = node('s2', 30, true)
    const s3 = node('s3', 30, true)
    const b = new LoadBalancer(
      [a, node('b', 60), s1, s2, s3],
      createLogger((r) => logs.push(r)),
      1,
    )
    expect(Object.keys(count(b.order)).sort()).toEqual(['a', 'b', 's1', 's2'])
    expect(logs.filter((l) => l.message === 'Using a standby server.').map((l) => l.fields.server)).toEqual(['s1', 's2'])
    a.available = true
    b.rebuild()
    expect(Object.keys(count(b.order)).sort()).toEqual(['a', 'b'])
  })

  it('walks the array round robin, skips unavailable servers and fails over, trying each server once', async () => {
    const a = node('a')
    const b = node('b')
    const lb = new LoadBalancer(
      [a, b],
      createLogger(() => undefined),
      7,
    )
    const picks: string[] = []
    for (let i = 0; i < 12; i++) picks.push(await lb.select(async (n) => n.name))
    expect(count(picks.map((name) => ({ name }) as BalancedNode))).toEqual({ a: 6, b: 6 })
    const tried: string[] = []
    await expect(
      lb.select(async (n) => {
        tried.push(n.name)
        throw new Error(`down ${n.name}`)
      }),
    ).rejects.toThrow(/down [ab]/)
    expect(tried.sort()).toEqual(['a', 'b'])
    a.available = false
    expect(await lb.select(async (n) => n.name)).toBe('b')
    b.available = false
    await expect(lb.select(async (n) => n.name)).rejects.toBeInstanceOf(NoNodesAvailable)
  })
})

describe('FailureDetector (phi accrual, §2.4)', () => {
  it('gives phi ≈ 0.434 × seconds of silence with steady 1 s heartbeats; 16 is passed after ≈ 37 s', () => {
    const d = new FailureDetector(1, 60, 0)
    for (let t = 1; t <= 100; t++) d.add(t)
    expect(d.phi(100)).toBe(0)
    expect(d.phi(101)).toBeCloseTo(Math.LOG10E, 2)
    expect(d.phi(110)).toBeCloseTo(4.34, 1)
    expect(d.phi(100 + 36)).toBeLessThan(16)
    expect(d.phi(100 + 37)).toBeGreaterThan(16)
    expect(d.hardTimeoutPassed(100 + 60.5)).toBe(true)
  })

  it('keeps at most 1,000 samples and restarts from the seed gap after clear', () => {
    const d = new FailureDetector(1, 60, 0)
    for (let t = 1; t <= 1500; t++) d.add(t)
    expect(d.sampleSize).toBe(1000)
    d.clear()
    expect(d.sampleSize).toBe(0)
    d.add(2000)
    expect(d.sampleSize).toBe(1)
  })
})

describe('envelope', () => {
  it('writes 93, the tag, a bin header sized to the entries, and the option map', () => {
    expect([...envelopeHeader('a.b', 3)]).toEqual([0x93, 0xa3, 0x61, 0x2e, 0x62, 0xc4, 3])
    expect([...envelopeHeader('t', 300)]).toEqual([0x93, 0xa1, 0x74, 0xc5, 0x01, 0x2c])
    expect([...envelopeHeader('t', 70_000)]).toEqual([0x93, 0xa1, 0x74, 0xc6, 0x00, 0x01, 0x11, 0x70])
    expect(decode(envelopeOptions(2, null, false))).toEqual({ size: 2 })
    expect(decode(envelopeOptions(70_000, 'AAAA', true))).toEqual({ size: 70_000, chunk: 'AAAA', compressed: 'gzip' })
  })
})
