/**
 * @module in_forward over real TCP against the protocol digest's §9 cases 1–22 and 31: exact bytes
 * from a raw socket, events checked through `@type capture`, acks byte for byte, connection state.
 * "Nothing written back" is shown with a sentinel: a later message with a chunk whose ack must be
 * the only bytes received.
 */

import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { entriesPayload, entry, forward, message, options, packed, record } from '../../../test/helpers/forward-build.ts'
import { cat, encode, eventTime, float64, hex, map, nil, str, timestamp, uint, array } from '../../../test/helpers/msgpack-build.ts'
import { startForward, type ForwardHarness } from './testing.ts'

const T = 1441588984
const ack = (chunk: string): Buffer => Buffer.from(cat(hex('81 a3 61 63 6b'), str(chunk)))

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
})

/** Sends `bytes`, then a sentinel message acked with "S": returns the bytes received up to that ack. */
async function sendThenSentinel(bytes: Uint8Array): Promise<Buffer> {
  const c = await h!.client()
  await c.write(cat(bytes, message('test.sentinel', uint(T), record({}), options({ chunk: 'S' }))))
  await c.waitForBytes(ack('S').length)
  return c.received
}

describe('in_forward §9 conformance over TCP', () => {
  it('1. Message with int time: one event, nothing written back', async () => {
    h = await startForward()
    const received = await sendThenSentinel(hex('93 a6 74 65 73 74 2e 61 ce 55 ec e6 f8 81 a1 6b a1 76'))
    expect(received).toEqual(ack('S'))
    const [e] = await h.capture.waitFor(2)
    expect(e.tag).toBe('test.a')
    expect([e.time.sec, e.time.nsec]).toEqual([T, 0])
    expect(e.record).toEqual({ k: 'v' })
  })

  it('2–3. EventTime as fixext8 and as ext8: nanoseconds preserved', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(
      cat(
        message('test.a', eventTime(T, 123456789, 'fix'), record({ k: 'fix' })),
        message('test.a', eventTime(T, 123456789, 8), record({ k: 'ext8' })),
      ),
    )
    const events = await h.capture.waitFor(2)
    expect(events.map((e) => [e.time.sec, e.time.nsec, e.record.k])).toEqual([
      [T, 123456789, 'fix'],
      [T, 123456789, 'ext8'],
    ])
  })

  it('4. Message with chunk ending in \\n: ack {"ack": chunk} echoed byte for byte', async () => {
    h = await startForward()
    const c = await h.client()
    const id = 'p8n9gmxTQVC8/nh2wlKKeQ==\n'
    await c.write(message('test.a', eventTime(T), record({ k: 'v' }), options({ chunk: id })))
    await c.waitForBytes(ack(id).length)
    expect(c.received).toEqual(ack(id))
    expect(c.received.subarray(0, 6)).toEqual(Buffer.from(hex('81 a3 61 63 6b b9')))
    expect(h.capture.events).toHaveLength(1)
  })

  it('5. Option nil (Docker 18): event emitted, no reply, connection open', async () => {
    h = await startForward()
    const received = await sendThenSentinel(message('test.a', uint(T), record({ k: 'v' }), nil()))
    expect(received).toEqual(ack('S'))
    expect((await h.capture.waitFor(2))[0].record).toEqual({ k: 'v' })
  })

  it('6. Forward mode: two events in order, one ack', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(
      forward('test.b', [entry(uint(T), record({ a: 1 })), entry(uint(T + 1), record({ a: 2 }))], options({ chunk: 'X', size: 2 })),
    )
    await c.waitForBytes(ack('X').length)
    expect(c.received).toEqual(ack('X'))
    const events = await h.capture.waitFor(2)
    expect(events.map((e) => [e.tag, e.time.sec, e.record.a])).toEqual([
      ['test.b', T, 1],
      ['test.b', T + 1, 2],
    ])
  })

  it('7–8. PackedForward as str32 with compressed "text", and as bin: two events each', async () => {
    h = await startForward()
    const payload = entriesPayload([entry(eventTime(T, 1), record({ a: 1 })), entry(eventTime(T, 2), record({ a: 2 }))])
    const c = await h.client()
    await c.write(
      cat(
        packed('test.p', payload, 'str32', options({ size: 2, compressed: 'text' })),
        packed('test.p', payload, 'bin', options({ size: 2, chunk: 'B' })),
      ),
    )
    await c.waitForBytes(ack('B').length)
    const events = await h.capture.waitFor(4)
    expect(events.map((e) => [e.time.nsec, e.record.a])).toEqual([
      [1, 1],
      [2, 2],
      [1, 1],
      [2, 2],
    ])
  })

  it('9. CompressedPackedForward with two gzip members: two events, ack Y', async () => {
    h = await startForward()
    const e1 = entry(eventTime(T, 1), record({ a: 1 }))
    const e2 = entry(uint(T + 1), record({ a: 2 }))
    const c = await h.client()
    await c.write(packed('test.z', cat(gzipSync(e1), gzipSync(e2)), 'bin', options({ compressed: 'gzip', chunk: 'Y' })))
    await c.waitForBytes(ack('Y').length)
    expect(c.received).toEqual(ack('Y'))
    const events = await h.capture.waitFor(2)
    expect(events.map((e) => [e.tag, e.time.sec, e.time.nsec, e.record.a])).toEqual([
      ['test.z', T, 1, 1],
      ['test.z', T + 1, 0, 2],
    ])
  })

  it('10. Decompression bomb: no events, no ack, connection closed, error logged', async () => {
    h = await startForward('decompression_size_limit 64k')
    const bomb = gzipSync(entry(uint(T), record({ big: 'x'.repeat(1024 * 1024) })))
    expect(bomb.length).toBeLessThan(64 * 1024)
    const c = await h.client()
    await c.write(packed('test.z', bomb, 'bin', options({ compressed: 'gzip', chunk: 'Z' })))
    await c.waitForEnd()
    expect(c.received.length).toBe(0)
    expect(h.capture.events).toHaveLength(0)
    expect(h.logged('error', 'decompression_size_limit')).toBe(true)
  })

  it('11. Three messages back to back in 1-byte writes: exactly three events', async () => {
    h = await startForward()
    const c = await h.client()
    const bytes = cat(...[1, 2, 3].map((n) => message('test.s', uint(T + n), record({ n }), n === 3 ? options({ chunk: 'C' }) : undefined)))
    await c.writeInPieces(bytes, () => 1)
    await c.waitForBytes(ack('C').length)
    expect(c.received).toEqual(ack('C'))
    expect((await h.capture.waitFor(3)).map((e) => e.record.n)).toEqual([1, 2, 3])
  })

  it('12. nil heartbeat then a message: nil ignored without reply, message processed', async () => {
    h = await startForward()
    const received = await sendThenSentinel(cat(nil(), message('test.a', uint(T), record({ k: 'v' }))))
    expect(received).toEqual(ack('S'))
    expect((await h.capture.waitFor(2)).map((e) => e.tag)).toEqual(['test.a', 'test.sentinel'])
  })

  it('13. A non-array object then a message: first ignored with a warning, connection kept', async () => {
    h = await startForward()
    const received = await sendThenSentinel(cat(encode({ a: 1 }), message('test.a', uint(T), record({ k: 'v' }))))
    expect(received).toEqual(ack('S'))
    expect((await h.capture.waitFor(2)).map((e) => e.tag)).toEqual(['test.a', 'test.sentinel'])
    expect(h.logged('warn', 'not an array')).toBe(true)
  })

  it('14. Invalid entries in Forward mode: valid one emitted, warning names two, ack Z still sent', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(
      forward(
        'test.i',
        [entry(uint(T), record({ ok: 1 })), entry(str('str'), record({})), entry(uint(T), str('notamap'))],
        options({ chunk: 'Z' }),
      ),
    )
    await c.waitForBytes(ack('Z').length)
    expect(c.received).toEqual(ack('Z'))
    expect((await h.capture.waitFor(1)).map((e) => e.record)).toEqual([{ ok: 1 }])
    const warning = h.running.logs.find((l) => l.message.includes('invalid events'))!
    expect(warning.fields).toMatchObject({ count: 2, reasons: { time: 1, record: 1 }, tag: 'test.i' })
    expect(h.input.options.skipInvalidEvent).toBe(true)
  })

  it('15. Message with a float time and chunk W: dropped, ack W sent', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(message('test.a', float64(1.5), record({ k: 'v' }), options({ chunk: 'W' })))
    await c.waitForBytes(ack('W').length)
    expect(c.received).toEqual(ack('W'))
    expect(h.capture.events).toHaveLength(0)
    expect(h.running.agent.plugins.find((p) => p.id === 'in')!.metrics.dropped).toBe(1)
  })

  it('16. Time zero means the receive time (in every mode)', async () => {
    const now = 1_700_000_000_250
    h = await startForward('', { now: () => now })
    const c = await h.client()
    await c.write(
      cat(
        message('test.a', uint(0), record({ m: 'message' })),
        forward('test.a', [entry(uint(0), record({ m: 'forward' }))]),
        packed('test.a', entry(eventTime(0, 5), record({ m: 'packed' })), 'bin'),
      ),
    )
    const events = await h.capture.waitFor(3)
    expect(events.map((e) => [e.record.m, e.time.sec, e.time.nsec])).toEqual([
      ['message', 1_700_000_000, 250_000_000],
      ['forward', 1_700_000_000, 250_000_000],
      ['packed', 1_700_000_000, 250_000_000],
    ])
  })

  it('17. v1.5 metadata timestamp [[t, {meta}], record] (Fluent Bit ≥ 5.0.5): accepted with time t', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(forward('test.m', [entry(array([eventTime(T, 7), encode({ k8s: 'x' })]), record({ a: 1 }))]))
    const [e] = await h.capture.waitFor(1)
    expect([e.time.sec, e.time.nsec, e.record]).toEqual([T, 7, { a: 1 }])
  })

  it('18. Malformed msgpack mid-stream: first acked and emitted, connection closed, third never processed', async () => {
    h = await startForward()
    const c = await h.client()
    const third = message('test.a', uint(T), record({ n: 3 }), options({ chunk: 'C' }))
    await c.write(cat(message('test.a', uint(T), record({ n: 1 }), options({ chunk: 'A' })), hex('c1'), third))
    await c.waitForEnd()
    expect(c.received).toEqual(ack('A'))
    expect(h.capture.events.map((e) => e.record.n)).toEqual([1])
    const line = h.running.logs.find((l) => l.message.includes('not valid msgpack'))!
    expect(line.fields.head).toBe(
      Buffer.from(cat(hex('c1'), third))
        .subarray(0, 48)
        .toString('base64'),
    )
    expect(String(line.fields.peer)).toMatch(/^127\.0\.0\.1:\d+$/)
  })

  it('19. chunk_size_limit: a 2 KiB message is dropped without an ack, the connection stays open', async () => {
    h = await startForward('chunk_size_limit 1k')
    const big = packed('test.big', entry(eventTime(T), record({ pad: 'x'.repeat(2048) })), 'bin', options({ chunk: 'V' }))
    const received = await sendThenSentinel(big)
    expect(received).toEqual(ack('S'))
    expect((await h.capture.waitFor(1)).map((e) => e.tag)).toEqual(['test.sentinel'])
    expect(h.logged('warn', 'chunk_size_limit')).toBe(true)
  })

  it('20a. Emit failure without @ERROR: no ack, connection closed', async () => {
    h = await startForward()
    h.capture.failWith = new Error('buffer overflow')
    const c = await h.client()
    await c.write(message('test.a', uint(T), record({ k: 'v' }), options({ chunk: 'U' })))
    await c.waitForEnd()
    expect(c.received.length).toBe(0)
    expect(h.logged('error', 'no @ERROR label')).toBe(true)
  })

  it('20b. Emit failure with <label @ERROR>: the events go there and ack U is sent', async () => {
    h = await startForward('', { rest: '<label @ERROR>\n  <match **>\n    @type capture\n    @id errors20\n  </match>\n</label>' })
    h.capture.failWith = new Error('buffer overflow')
    const c = await h.client()
    await c.write(message('test.a', uint(T), record({ k: 'v' }), options({ chunk: 'U' })))
    await c.waitForBytes(ack('U').length)
    expect(c.received).toEqual(ack('U'))
    const { captures } = await import('../../../test/helpers/capture-output.ts')
    expect((await captures.get('errors20')!.waitFor(1))[0].record).toEqual({ k: 'v' })
    expect(c.ended).toBe(false)
  })

  it('21. JSON mode: a connection starting with "[" is JSON; the ack is JSON text', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(Buffer.from('["test.j", 1441588984, {"k":"v"}, {"chunk":"J"}]'))
    await c.waitForBytes(11)
    expect(c.received.toString()).toBe('{"ack":"J"}')
    const [e] = await h.capture.waitFor(1)
    expect([e.tag, e.time.sec, e.record]).toEqual(['test.j', T, { k: 'v' }])
  })

  it('22. deny_keepalive: ack D written, then the server closes', async () => {
    h = await startForward('deny_keepalive true')
    const c = await h.client()
    await c.write(message('test.a', uint(T), record({ n: 1 }), options({ chunk: 'D' })))
    await c.waitForBytes(ack('D').length)
    expect(c.received).toEqual(ack('D'))
    await c.waitForEnd()
    await c.write(message('test.a', uint(T), record({ n: 2 }))).catch(() => undefined)
    expect(h.capture.events.map((e) => e.record.n)).toEqual([1])
  })

  it('31. msgpack Timestamp ext −1 times are accepted (more lenient than Fluentd) and become EventTime', async () => {
    h = await startForward()
    const c = await h.client()
    await c.write(
      cat(
        message('test.ts', timestamp(T, 0, 32), record({ n: 1 })),
        packed('test.ts', entry(timestamp(T, 42, 64), record({ n: 2 })), 'bin', options({ chunk: 'T' })),
      ),
    )
    await c.waitForBytes(ack('T').length)
    const events = await h.capture.waitFor(2)
    expect(events.map((e) => [e.time.sec, e.time.nsec, e.record.n])).toEqual([
      [T, 0, 1],
      [T, 42, 2],
    ])
  })

  it('ignores fields after the option map and a non-map option (no ack, events kept)', async () => {
    h = await startForward()
    const received = await sendThenSentinel(
      cat(
        array([str('test.x'), uint(T), record({ n: 1 }), str('not-a-map')]),
        array([str('test.x'), uint(T), record({ n: 2 }), map([]), str('extra')]),
      ),
    )
    expect(received).toEqual(ack('S'))
    expect((await h.capture.waitFor(3)).map((e) => e.record.n)).toEqual([1, 2, undefined])
  })
})
