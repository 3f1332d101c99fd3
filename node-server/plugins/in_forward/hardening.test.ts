/**
 * @module in_forward against hostile peers over real TCP: a slowloris trickling one message byte
 * by byte (frame_timeout closes it, idle_timeout alone would not), steady traffic that is never
 * closed by it, backpressure pauses that do not count, the unframed-bytes cap (never more than
 * max_frame_size plus one read), and many connections sending mutated streams beside a
 * well-behaved client that keeps all its acks — one log line per bad connection, no crash.
 */

import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { PluginSpec } from '../../../engine/plugin.ts'
import { entry, message, options, record } from '../../../test/helpers/forward-build.ts'
import { arrayHeader, cat, eventTime, hex, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { startForward, waitUntil, type ForwardHarness, type RawClient } from './testing.ts'

const T = 1441588984
const ack = (chunk: string): Buffer => Buffer.from(cat(hex('81 a3 61 63 6b'), str(chunk)))
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
})

/** Writes `bytes` one byte at a time every `ms` until done or the server closed. */
async function trickle(c: RawClient, bytes: Uint8Array, ms: number): Promise<void> {
  for (let i = 0; i < bytes.length && !c.ended; i++) {
    await c.write(bytes.subarray(i, i + 1)).catch(() => undefined)
    await pause(ms)
  }
}

describe('in_forward hardening', () => {
  it('closes a slowloris (one byte every 20 ms) at frame_timeout, even though idle_timeout never fires', async () => {
    h = await startForward('idle_timeout 1\nframe_timeout 0.3')
    const good = await h.client()
    const slow = await h.client()
    const started = Date.now()
    const slowMessage = message('t.slow', uint(T), record({ pad: 'x'.repeat(200) }), options({ chunk: 'S' }))
    void trickle(slow, slowMessage, 20)
    await good.write(message('t.good', uint(T), record({ n: 1 }), options({ chunk: 'G1' })))
    await slow.waitForEnd(5_000)
    expect(Date.now() - started).toBeLessThan(1_000)
    const lines = h.running.logs.filter((l) => l.message.includes('frame_timeout'))
    expect(lines).toHaveLength(1)
    const head = Buffer.from(lines[0].fields.head as string, 'base64')
    expect(head.length).toBeGreaterThan(5)
    expect(head).toEqual(Buffer.from(slowMessage.subarray(0, head.length)))
    expect(slow.received.length).toBe(0)
    await good.write(message('t.good', uint(T), record({ n: 2 }), options({ chunk: 'G2' })))
    await good.waitForBytes(ack('G1').length + ack('G2').length)
    expect(good.ended).toBe(false)
    expect(h.capture.events.map((e) => e.tag)).toEqual(['t.good', 't.good'])
  })

  it('never closes steady traffic whose messages each complete in time, however long it lasts', async () => {
    h = await startForward('frame_timeout 0.2')
    const c = await h.client()
    let expected = 0
    const until = Date.now() + 700
    for (let n = 0; Date.now() < until; n++) {
      const m = message('t.steady', uint(T), record({ n }), options({ chunk: `C${n}` }))
      // Each message split in two writes: a message is always in progress between them.
      await c.write(m.subarray(0, 5))
      await pause(30)
      await c.write(m.subarray(5))
      expected += ack(`C${n}`).length
    }
    await c.waitForBytes(expected)
    expect(c.ended).toBe(false)
    expect(h.logged('warn', 'frame_timeout')).toBe(false)
  })

  it('does not count time paused by backpressure against frame_timeout', async () => {
    let release: () => void = () => undefined
    const slowOutput: PluginSpec<'output'> = {
      name: 'slow_out',
      kind: 'output',
      description: 'holds its first emit',
      schema: { params: [] },
      runtimes: ['node'],
      create: () => {
        let first = true
        return {
          emit: () => {
            if (!first) return
            first = false
            return new Promise<void>((resolve) => {
              release = resolve
            })
          },
        }
      },
    }
    h = await startForward('frame_timeout 0.2', { match: '<match **>\n  @type slow_out\n</match>', plugins: [slowOutput] })
    const c = await h.client()
    const second = message('t.b', uint(T), record({ n: 2 }), options({ chunk: 'B' }))
    // The first message's emit blocks; half of the second arrives behind it.
    await c.write(cat(message('t.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })), second.subarray(0, 4)))
    await waitUntil(() => h!.input.connections()[0]?.waitingForEmit === true, 'the blocked emit')
    await pause(500)
    expect(c.ended).toBe(false)
    release()
    await c.waitForBytes(ack('A').length)
    await c.write(second.subarray(4))
    await c.waitForBytes(ack('A').length + ack('B').length)
    expect(h.logged('warn', 'frame_timeout')).toBe(false)
  })

  it('never holds more unframed bytes than max_frame_size plus one read', async () => {
    h = await startForward('max_frame_size 4k')
    const c = await h.client()
    // A Forward message with many small entries: the core's `need` grows slowly.
    const entries = Array.from({ length: 2000 }, (_, k) => entry(eventTime(T, k), record({ k })))
    const bytes = cat(hex('92'), str('t.many'), arrayHeader(entries.length), ...entries)
    let peak = 0
    for (let at = 0; at < bytes.length && !c.ended; at += 512) {
      await c.write(bytes.subarray(at, at + 512)).catch(() => undefined)
      await pause(1)
      peak = Math.max(peak, h.input.connections()[0]?.bufferedBytes ?? 0)
    }
    await c.waitForEnd()
    expect(peak).toBeLessThanOrEqual(4096 + 512)
    expect(h.logged('error', 'max_frame_size')).toBe(true)
  })

  it('survives many connections sending mutated streams, one line each, while a good client keeps its acks', async () => {
    h = await startForward('frame_timeout 0.5\nhandshake_timeout 0.5')
    const good = await h.client()
    const seeds = fc.sample(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(200), fc.integer({ min: 0, max: 255 })), {
      numRuns: 40,
      seed: 42,
    })
    const valid = message('t.fuzz', uint(T), record({ a: 'b', n: 1 }), options({ chunk: 'F' }))
    const bad: RawClient[] = []
    for (const [noise, at, byte] of seeds) {
      const mutated = Buffer.from(cat(valid, noise, valid))
      mutated[at % mutated.length] = byte
      const c = await h.client()
      bad.push(c)
      await c.write(mutated)
    }
    for (let n = 0; n < 5; n++) await good.write(message('t.good', uint(T), record({ n }), options({ chunk: `G${n}` })))
    await good.waitForBytes([0, 1, 2, 3, 4].reduce((s, n) => s + ack(`G${n}`).length, 0))
    expect(good.ended).toBe(false)
    for (const c of bad) c.destroy()
    await waitUntil(() => h!.input.connectionCount === 1, 'the bad connections gone')
    const closing = h.running.logs.filter((l) => l.message.includes('closing the connection'))
    for (const line of closing) expect(line.fields.peer).toMatch(/^127\.0\.0\.1:\d+$/)
    const perPeer = new Map<unknown, number>()
    for (const line of closing) perPeer.set(line.fields.peer, (perPeer.get(line.fields.peer) ?? 0) + 1)
    expect([...perPeer.values()].every((n) => n === 1)).toBe(true)
    expect(h.capture.events.filter((e) => e.tag === 't.good')).toHaveLength(5)
  })
})
