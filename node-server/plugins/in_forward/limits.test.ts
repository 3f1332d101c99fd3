/**
 * @module in_forward's limits and bad input over real TCP: max_frame_size, max_connections,
 * idle_timeout, unsupported or broken compression, broken packed payloads, a non-string tag,
 * fluent_signal, chunk_size_warn_limit. Each ends with one clear log line and touches no other
 * connection.
 */

import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { entry, message, options, packed, record } from '../../../test/helpers/forward-build.ts'
import { array, bin, cat, eventTime, float64, hex, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { startForward, waitUntil, type ForwardHarness } from './testing.ts'

const T = 1441588984
const ack = (chunk: string): Buffer => Buffer.from(cat(hex('81 a3 61 63 6b'), str(chunk)))

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
})

describe('in_forward limits', () => {
  it('closes a connection whose message is longer than max_frame_size (earlier acks stand, others unaffected)', async () => {
    h = await startForward('max_frame_size 1k')
    const other = await h.client()
    const c = await h.client()
    await c.write(
      cat(
        message('t.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })),
        message('t.a', uint(T), record({ pad: 'x'.repeat(2000) }), options({ chunk: 'B' })),
      ),
    )
    await c.waitForEnd()
    expect(c.received).toEqual(ack('A'))
    expect(h.logged('error', 'max_frame_size')).toBe(true)
    await other.write(message('t.b', uint(T), record({ n: 2 }), options({ chunk: 'O' })))
    await other.waitForBytes(ack('O').length)
    expect(h.capture.events.map((e) => e.record.n)).toEqual([1, 2])
  })

  it('stops at max_frame_size while the message is still arriving (a huge announced length)', async () => {
    h = await startForward('max_frame_size 1k')
    const c = await h.client()
    await c.write(cat(hex('93 a3 74 2e 61'), hex('c6 7f ff ff ff'), new Uint8Array(100)))
    await c.waitForEnd()
    expect(h.logged('error', 'max_frame_size')).toBe(true)
  })

  it('closes new connections beyond max_connections with a log line; a slot frees when one closes', async () => {
    h = await startForward('max_connections 2')
    const a = await h.client()
    const b = await h.client()
    await waitUntil(() => h!.input.connectionCount === 2, 'two connections')
    const third = await h.client()
    await third.waitForEnd()
    expect(h.logged('warn', 'max_connections')).toBe(true)
    a.destroy()
    await waitUntil(() => h!.input.connectionCount === 1, 'a freed slot')
    const fourth = await h.client()
    await fourth.write(message('t.a', uint(T), record({}), options({ chunk: 'F' })))
    await fourth.waitForBytes(ack('F').length)
    expect(b.ended).toBe(false)
  })

  it('closes a connection idle for idle_timeout', async () => {
    h = await startForward('idle_timeout 0.2')
    const c = await h.client()
    await c.waitForEnd()
    expect(h.logged('info', 'idle')).toBe(true)
  })

  it('closes on zstd and on an unknown "compressed" value, saying which', async () => {
    h = await startForward()
    const payload = entry(eventTime(T), record({ a: 1 }))
    for (const [compressed, text] of [
      ['zstd', 'zstd'],
      ['lz4', 'unknown "compressed"'],
    ]) {
      const c = await h.client()
      await c.write(packed('t.z', payload, 'bin', options({ compressed, chunk: 'Z' })))
      await c.waitForEnd()
      expect(c.received.length).toBe(0)
      expect(h.logged('error', text)).toBe(true)
    }
    expect(h.capture.events).toHaveLength(0)
  })

  it('closes on a broken gzip payload and on a broken packed payload', async () => {
    h = await startForward()
    const gz = gzipSync(entry(eventTime(T), record({ a: 1 })))
    const truncated = gz.subarray(0, gz.length - 6)
    const c1 = await h.client()
    await c1.write(packed('t.z', truncated, 'bin', options({ compressed: 'gzip', chunk: 'Z' })))
    await c1.waitForEnd()
    expect(h.logged('error', 'gzip payload is broken')).toBe(true)
    const c2 = await h.client()
    await c2.write(array([str('t.p'), bin(hex('92 d7 00 55 ec e6 f8 00 00 00 00 81 a1')), options({ chunk: 'P' })]))
    await c2.waitForEnd()
    expect(c2.received.length).toBe(0)
    expect(h.logged('error', 'not valid msgpack')).toBe(true)
    expect(h.capture.events).toHaveLength(0)
  })

  it('drops every event of a message whose tag is not a string, and still acks', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(array([uint(42), uint(T), record({ a: 1 }), options({ chunk: 'N' })]))
    await c.waitForBytes(ack('N').length)
    expect(c.received).toEqual(ack('N'))
    const line = h.running.logs.find((l) => l.message.includes('invalid events'))!
    expect(line.fields).toMatchObject({ count: 1, reasons: { tag: 1 } })
    expect(h.capture.events).toHaveLength(0)
  })

  it('drops fluent_signal metrics/traces messages with a warning, acked', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(packed('t.m', entry(eventTime(T), record({ a: 1 })), 'bin', options({ fluent_signal: 1, chunk: 'M' })))
    await c.waitForBytes(ack('M').length)
    expect(h.logged('warn', 'fluent_signal')).toBe(true)
    expect(h.capture.events).toHaveLength(0)
  })

  it('warns above chunk_size_warn_limit and keeps the events', async () => {
    h = await startForward('chunk_size_warn_limit 100')
    const c = await h.client()
    await c.write(message('t.w', uint(T), record({ pad: 'x'.repeat(200) }), options({ chunk: 'W' })))
    await c.waitForBytes(ack('W').length)
    expect(h.capture.events).toHaveLength(1)
    expect(h.logged('warn', 'chunk_size_warn_limit')).toBe(true)
  })

  it('counts bytes, events, drops and errors in the plugin metrics', async () => {
    h = await startForward()
    const c = await h.client()
    const good = message('t.a', uint(T), record({ a: 1 }))
    const bad = message('t.a', float64(1.5), record({ a: 1 }), options({ chunk: 'Q' }))
    await c.write(cat(good, bad))
    await c.waitForBytes(ack('Q').length)
    const metrics = h.running.agent.plugins.find((p) => p.id === 'in')!.metrics
    expect(metrics).toMatchObject({ eventsIn: 1, bytesIn: good.length + bad.length, dropped: 1, emits: 1, errors: 0 })
    const broken = await h.client()
    await broken.write(hex('c1'))
    await broken.waitForEnd()
    expect(metrics.errors).toBe(1)
  })
})
