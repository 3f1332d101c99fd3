/**
 * @module in_forward framing over real TCP: a stream of many messages in every mode written in
 * random-size pieces and in 1-byte writes gives exactly the same events and acks (§9 case 11);
 * a large PackedForward message arriving in many reads; the byte fixtures of what Fluentd,
 * Fluent Bit and Docker send (test/fixtures/forward/).
 */

import { readFileSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { entriesPayload, entry, forward, message, options, packed, record } from '../../../test/helpers/forward-build.ts'
import { cat, eventTime, hex, nil, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { startForward, type ForwardHarness } from './testing.ts'

const T = 1441588984

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
})

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` messages cycling through the modes; event i has record {i} and time T+i (nsec i, or 0 when `ns: 0`); every 5th message asks for an ack. */
function mixedStream(n: number): { bytes: Uint8Array; events: number; acks: Uint8Array } {
  const parts: Uint8Array[] = []
  const acks: Uint8Array[] = []
  let i = 0
  for (let m = 0; m < n; m++) {
    const chunk = m % 5 === 0 ? `c${m}` : undefined
    const opt = chunk === undefined ? undefined : options({ chunk })
    if (chunk !== undefined) acks.push(cat(hex('81 a3 61 63 6b'), str(chunk)))
    const e = () => entry(eventTime(T + i, i), record({ i: i++, pad: 'y'.repeat(m % 7) }))
    switch (m % 5) {
      case 0:
        parts.push(message('t.msg', eventTime(T + i, i), record({ i: i++ }), opt))
        break
      case 1:
        parts.push(forward('t.fwd', [e(), e(), e()], opt))
        break
      case 2:
        parts.push(packed('t.pk', entriesPayload([e(), e()]), m % 2 ? 'str32' : 'bin', opt))
        break
      case 3:
        parts.push(
          packed('t.gz', gzipSync(entriesPayload([e(), e()])), 'bin', options({ compressed: 'gzip', ...(chunk ? { chunk } : {}) })),
        )
        break
      case 4:
        parts.push(cat(nil(), message('t.msg', uint(T + i), record({ i: i++, ns: 0 }), opt)))
        break
    }
  }
  return { bytes: cat(...parts), events: i, acks: cat(...acks) }
}

describe('in_forward split delivery', () => {
  it('gives the same events and acks whatever the write sizes (random pieces, several seeds)', async () => {
    h = await startForward()
    const { bytes, events, acks } = mixedStream(60)
    for (const seed of [1, 2, 3]) {
      const random = prng(seed)
      const c = await h.client()
      const before = h.capture.events.length
      await c.writeInPieces(bytes, () => 1 + Math.floor(random() * 97))
      await c.waitForBytes(acks.length)
      expect(c.received).toEqual(Buffer.from(acks))
      const got = await h.capture.waitFor(before + events)
      expect(got.slice(before).map((e) => e.record.i)).toEqual(Array.from({ length: events }, (_, k) => k))
      expect(got.slice(before).every((e) => e.time.sec === T + (e.record.i as number) && e.time.nsec === (e.record.ns ?? e.record.i))).toBe(
        true,
      )
    }
  })

  it('gives the same events when large messages arrive back to back in random pieces (reads that end mid-message)', async () => {
    h = await startForward()
    let i = 0
    const parts: Uint8Array[] = []
    const acks: Uint8Array[] = []
    const random = prng(7)
    for (let m = 0; m < 80; m++) {
      const n = 1 + Math.floor(random() * 60)
      const entries = Array.from({ length: n }, () =>
        entry(eventTime(T, i), record({ i: i++, pad: 'p'.repeat(Math.floor(random() * 900)) })),
      )
      parts.push(packed('t.big', entriesPayload(entries), 'bin', options({ chunk: `b${m}` })))
      acks.push(cat(hex('81 a3 61 63 6b'), str(`b${m}`)))
    }
    const bytes = cat(...parts)
    for (const seed of [11, 12, 13]) {
      const pieces = prng(seed)
      const c = await h.client()
      const before = h.capture.events.length
      // Written without waiting: the server's reads coalesce and end anywhere.
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(pieces() * 40_000)
        c.socket.write(bytes.subarray(at, at + size))
        at += size
      }
      await c.waitForBytes(cat(...acks).length)
      expect(c.received).toEqual(Buffer.from(cat(...acks)))
      const got = await h.capture.waitFor(before + i)
      expect(got.slice(before).map((e) => e.record.i)).toEqual(Array.from({ length: i }, (_, k) => k))
    }
  })

  it('keeps reading in place after a deferred re-frame left the next message unfinished', async () => {
    h = await startForward()
    let i = 0
    const msg = (chunk: string, n: number) =>
      packed(
        't.d',
        entriesPayload(Array.from({ length: n }, () => entry(eventTime(T, i), record({ i: i++, pad: 'q'.repeat(180) })))),
        'bin',
        options({ chunk }),
      )
    const [m1, m2, m3] = [msg('d1', 20), msg('d2', 100), msg('d3', 100)]
    const ackOf = (chunk: string) => cat(hex('81 a3 61 63 6b'), str(chunk))
    const c = await h.client()
    // m1 and three quarters of m2: m2's tail is kept, its size known.
    const cut2 = Math.floor((m2.length * 3) / 4)
    await c.write(cat(m1, m2.subarray(0, cut2)))
    await c.waitForBytes(ackOf('d1').length)
    // The rest of m2 and the start of m3: less than twice the kept tail, so framed on setImmediate,
    // which leaves m3's start unframed.
    await c.write(cat(m2.subarray(cut2), m3.subarray(0, 100)))
    await c.waitForBytes(2 * ackOf('d1').length)
    // The rest of m3 must land right after its start.
    await c.write(m3.subarray(100))
    await c.waitForBytes(3 * ackOf('d1').length)
    expect(c.received).toEqual(Buffer.from(cat(ackOf('d1'), ackOf('d2'), ackOf('d3'))))
    expect((await h.capture.waitFor(220)).map((e) => e.record.i)).toEqual(Array.from({ length: 220 }, (_, k) => k))
  })

  it('inflates gzip payloads of every size and ratio (output buffer sized from the gzip trailer, bounded)', async () => {
    h = await startForward()
    let i = 0
    const c = await h.client()
    // Small, ~200 KB of varied records, and ~1.6 MB that compresses far beyond 32:1.
    const sizes: [number, (k: number) => string][] = [
      [3, () => 'x'],
      [1000, (k) => `${k * 7919}`.repeat(20)],
      [2000, () => 'z'.repeat(800)],
    ]
    const acks: Uint8Array[] = []
    for (const [n, pad] of sizes) {
      const entries = Array.from({ length: n }, () => entry(eventTime(T, i), record({ i: i++, pad: pad(i) })))
      const chunk = `g${n}`
      await c.write(packed('t.gz', gzipSync(entriesPayload(entries)), 'bin', options({ compressed: 'gzip', chunk })))
      acks.push(cat(hex('81 a3 61 63 6b'), str(chunk)))
    }
    await c.waitForBytes(cat(...acks).length)
    expect(c.received).toEqual(Buffer.from(cat(...acks)))
    expect((await h.capture.waitFor(i)).map((e) => e.record.i)).toEqual(Array.from({ length: i }, (_, k) => k))
  })

  it("sizes a connection's own read buffer to its traffic: 16 KiB for small messages, a large message's size", async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(message('t.s', eventTime(T, 0), record({ i: 0 }), options({ chunk: 's' })))
    await c.waitForBytes(6)
    expect(h.input.connections()[0]).toMatchObject({ reads: 'own', readBufferBytes: 16 * 1024 })
    const big = packed(
      't.b',
      entriesPayload(Array.from({ length: 400 }, (_, k) => entry(eventTime(T, k), record({ k, pad: 'b'.repeat(500) })))),
      'bin',
      options({ chunk: 'b' }),
    )
    await c.writeInPieces(big, () => 8192)
    await c.waitForBytes(12)
    const size = h.input.connections()[0].readBufferBytes
    expect(size).toBeGreaterThanOrEqual(big.length)
    expect(size).toBeLessThanOrEqual(1024 * 1024)
  })

  it('gives the same events in 1-byte writes', async () => {
    h = await startForward()
    const { bytes, events, acks } = mixedStream(10)
    const c = await h.client()
    await c.writeInPieces(bytes, () => 1)
    await c.waitForBytes(acks.length)
    expect(c.received).toEqual(Buffer.from(acks))
    expect((await h.capture.waitFor(events)).map((e) => e.record.i)).toEqual(Array.from({ length: events }, (_, k) => k))
  })

  it('reassembles a 2 MiB PackedForward message and a 10,000-entry Forward message from 64 KiB writes', async () => {
    h = await startForward()
    const big = Array.from({ length: 1000 }, (_, k) => entry(eventTime(T, k), record({ k, pad: 'z'.repeat(2000) })))
    const many = Array.from({ length: 10_000 }, (_, k) => entry(uint(T), record({ k })))
    const c = await h.client()
    await c.writeInPieces(
      cat(packed('t.big', entriesPayload(big), 'bin', options({ chunk: 'big' })), forward('t.many', many, options({ chunk: 'many' }))),
      () => 65_536,
    )
    await c.waitForBytes(2 * 5 + 4 + 5)
    // A plain TCP connection reads into its own buffer (grown for the 2 MiB message, then let go).
    expect(h.input.connections()[0]).toMatchObject({ reads: 'own', bufferedBytes: 0 })
    // Node holds the buffer it will read into next: the big one is let go at the next read.
    await c.write(message('t.s', uint(T), record({ k: -1 }), options({ chunk: 'after' })))
    await c.waitForBytes(2 * 5 + 4 + 5 + 10)
    expect(h.input.connections()[0].readBufferBytes).toBeLessThanOrEqual(1024 * 1024)
    const events = await h.capture.waitFor(11_001)
    expect(events.filter((e) => e.tag === 't.big').map((e) => e.time.nsec)).toEqual(Array.from({ length: 1000 }, (_, k) => k))
    expect(events.filter((e) => e.tag === 't.many').map((e) => e.record.k)).toEqual(Array.from({ length: 10_000 }, (_, k) => k))
  })
})

describe('in_forward with the bytes real peers send (test/fixtures/forward)', () => {
  const dir = new URL('../../../test/fixtures/forward/', import.meta.url)
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.hex'))
    .map((f) => f.slice(0, -4))
    .sort()

  for (const name of names) {
    it(`accepts ${name}`, async () => {
      const bytes = hex(readFileSync(new URL(`${name}.hex`, dir), 'utf8'))
      const expected = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as {
        messages: {
          tag: string
          options: { chunk: string | null }
          events?: { sec: number; nsec: number; record: unknown }[]
          inflated?: { sec: number; nsec: number; record: unknown }[]
        }[]
      }
      h = await startForward()
      const c = await h.client()
      await c.write(bytes)
      const want = expected.messages.flatMap((m) => (m.events ?? m.inflated ?? []).map((e) => ({ tag: m.tag, ...e })))
      const got = await h.capture.waitFor(want.length)
      expect(got.map((e) => ({ tag: e.tag, sec: e.time.sec, nsec: e.time.nsec, record: e.record }))).toEqual(
        want.map((e) => ({ tag: e.tag, sec: e.sec, nsec: e.nsec, record: e.record })),
      )
      const acks = expected.messages.filter((m) => m.options.chunk !== null).map((m) => cat(hex('81 a3 61 63 6b'), str(m.options.chunk!)))
      await c.waitForBytes(cat(...acks).length)
      expect(c.received).toEqual(Buffer.from(cat(...acks)))
    })
  }
})
