/**
 * @module Real Fluentd clients from npm against sluice's in_forward, each in each of its modes:
 * fluent-logger 3.4.1 (Message default, EventTime, PackedForward, requireAckResponse) and
 * @fluent-org/logger 1.0.10 (PackedForward default, milliseconds → EventTime, Message, Forward,
 * CompressedPackedForward, acks). Every event must arrive with its tag, time (ns when sent) and
 * record.
 */

import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { FluentClient, EventTime as OrgEventTime } from '@fluent-org/logger'
import { startForward, type ForwardHarness } from '../../node-server/plugins/in_forward/testing.ts'

const require = createRequire(import.meta.url)
// fluent-logger is CommonJS without ESM types for its sender.
const fluentLogger = require('fluent-logger') as {
  createFluentSender(tag: string, options: Record<string, unknown>): LegacySender
  EventTime: new (sec: number, nsec: number) => object
}

interface LegacySender {
  emit(label: string, data: object, timestamp?: number | object, callback?: (err?: Error) => void): void
  end(label?: string, data?: object, callback?: () => void): void
  on(event: string, listener: (...args: unknown[]) => void): void
}

const T = 1441588984

let h: ForwardHarness | null = null
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await h?.stop()
  h = null
})

const view = (events: ForwardHarness['capture']['events']) =>
  events.map((e) => ({ tag: e.tag, sec: e.time.sec, nsec: e.time.nsec, record: e.record }))

function legacy(mode: string, extra: Record<string, unknown> = {}): LegacySender {
  const sender = fluentLogger.createFluentSender('legacy', {
    host: '127.0.0.1',
    port: h!.port,
    eventMode: mode,
    reconnectInterval: 600_000,
    ...extra,
  })
  sender.on('error', () => undefined)
  cleanups.push(() => new Promise<void>((resolve) => sender.end(undefined, undefined, resolve)))
  return sender
}

const emitLegacy = (sender: LegacySender, label: string, data: object, time: number | object): Promise<void> =>
  new Promise((resolve, reject) => sender.emit(label, data, time, (err) => (err ? reject(err) : resolve())))

describe('fluent-logger 3.4.1', () => {
  it('Message mode (default) with integer and EventTime times', async () => {
    h = await startForward()
    const sender = legacy('Message')
    await emitLegacy(sender, 'int', { n: 1, s: 'héllo' }, T)
    await emitLegacy(sender, 'ns', { n: 2 }, new fluentLogger.EventTime(T, 123456789))
    expect(view(await h.capture.waitFor(2))).toEqual([
      { tag: 'legacy.int', sec: T, nsec: 0, record: { n: 1, s: 'héllo' } },
      { tag: 'legacy.ns', sec: T, nsec: 123456789, record: { n: 2 } },
    ])
  })

  it('Message mode with requireAckResponse: every emit is acked', async () => {
    h = await startForward()
    const sender = legacy('Message', { requireAckResponse: true, ackResponseTimeout: 5_000 })
    for (let n = 0; n < 5; n++) await emitLegacy(sender, 'ack', { n }, new fluentLogger.EventTime(T + n, n))
    expect(view(await h.capture.waitFor(5)).map((e) => [e.tag, e.sec, e.nsec, e.record.n])).toEqual(
      [0, 1, 2, 3, 4].map((n) => ['legacy.ack', T + n, n, n]),
    )
  })

  it('PackedForward mode (str32 payload, chunk option) with acks', async () => {
    h = await startForward()
    const sender = legacy('PackedForward', { requireAckResponse: true, ackResponseTimeout: 5_000, flushInterval: 1 })
    await Promise.all([0, 1, 2].map((n) => emitLegacy(sender, 'packed', { n }, new fluentLogger.EventTime(T, n))))
    expect(view(await h.capture.waitFor(3)).map((e) => [e.tag, e.sec, e.nsec, e.record.n])).toEqual(
      [0, 1, 2].map((n) => ['legacy.packed', T, n, n]),
    )
  })

  it('CompressedPackedForward mode', async () => {
    h = await startForward()
    const sender = legacy('CompressedPackedForward', { flushInterval: 1 })
    await Promise.all([0, 1].map((n) => emitLegacy(sender, 'gz', { n }, T + n)))
    expect(view(await h.capture.waitFor(2)).map((e) => [e.tag, e.sec, e.record.n])).toEqual([
      ['legacy.gz', T, 0],
      ['legacy.gz', T + 1, 1],
    ])
  })
})

describe('@fluent-org/logger 1.0.10', () => {
  /** A client that does not reconnect by itself (so it never outlives the test); connect() is then explicit. */
  async function client(options: ConstructorParameters<typeof FluentClient>[1] = {}): Promise<FluentClient> {
    const c = new FluentClient('org', { socket: { host: '127.0.0.1', port: h!.port, disableReconnect: true }, ...options })
    cleanups.push(() => c.shutdown().catch(() => undefined))
    await c.connect()
    return c
  }

  it('PackedForward (default, bin) with integer seconds', async () => {
    h = await startForward()
    const c = await client()
    await Promise.all([c.emit('packed', { n: 0 }, T * 1000 + 999), c.emit('packed', { n: 1 }, T * 1000)])
    expect(view(await h.capture.waitFor(2))).toEqual([
      { tag: 'org.packed', sec: T, nsec: 0, record: { n: 0 } },
      { tag: 'org.packed', sec: T, nsec: 0, record: { n: 1 } },
    ])
  })

  it('milliseconds: true sends EventTime; explicit EventTime keeps nanoseconds', async () => {
    h = await startForward()
    const c = await client({ milliseconds: true })
    await c.emit('ms', { n: 0 }, T * 1000 + 250)
    await c.emit('ns', { n: 1 }, new OrgEventTime(T, 123456789))
    expect(view(await h.capture.waitFor(2)).map((e) => [e.tag, e.sec, e.nsec])).toEqual([
      ['org.ms', T, 250_000_000],
      ['org.ns', T, 123456789],
    ])
  })

  for (const eventMode of ['Message', 'Forward', 'CompressedPackedForward'] as const) {
    it(`${eventMode} mode with acks`, async () => {
      h = await startForward()
      const c = await client({ eventMode, ack: { ackTimeout: 5_000 }, milliseconds: true })
      await Promise.all([0, 1, 2].map((n) => c.emit(eventMode.toLowerCase(), { n, mode: eventMode }, T * 1000 + n)))
      expect(view(await h.capture.waitFor(3)).map((e) => [e.tag, e.sec, e.nsec, e.record])).toEqual(
        [0, 1, 2].map((n) => [`org.${eventMode.toLowerCase()}`, T, n * 1_000_000, { n, mode: eventMode }]),
      )
    })
  }

  it('PackedForward with acks across many events', async () => {
    h = await startForward()
    const c = await client({ ack: { ackTimeout: 5_000 } })
    await Promise.all(Array.from({ length: 500 }, (_, n) => c.emit('bulk', { n }, T * 1000)))
    const events = await h.capture.waitFor(500)
    expect(events.map((e) => e.record.n)).toEqual(Array.from({ length: 500 }, (_, n) => n))
  })
})
