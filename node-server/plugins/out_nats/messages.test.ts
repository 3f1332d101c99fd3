/**
 * @module How out_nats cuts a chunk into messages: budgets in bytes and events, gaps and oversized
 * events, the Forward envelope read back by the core's framer and by @msgpack/msgpack (bin entries,
 * the size option, gzip), and formatted lines.
 */

import { gunzipSync, gzipSync } from 'node:zlib'
import { decode } from '@msgpack/msgpack'
import { beforeAll, describe, expect, it } from 'vitest'
import { concat, streamFromEvents } from '../../../engine/event-stream.ts'
import { EventTime } from '../../../engine/event-time.ts'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { Mode } from '../../../wasm/types.ts'
import type { FormatterPlugin } from '../../../engine/formatter/types.ts'
import { cutEntries, envelopeOverhead, formattedMessages, forwardMessage, gzipGrowth } from './messages.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const events = (n: number, size = 10) =>
  streamFromEvents(
    'app.web',
    Array.from({ length: n }, (_, i) => ({ time: new EventTime(1_700_000_000 + i, i), record: { i, pad: 'x'.repeat(size) } })),
  )

describe('cutEntries', () => {
  it('keeps a chunk that fits in one piece', () => {
    const s = events(10)
    const cut = cutEntries(core, s.entries, 1 << 20, 1 << 30)!
    expect(cut.pieces).toEqual([{ start: 0, end: s.entries.length, count: 10 }])
    expect(cut.oversize).toEqual([])
  })

  it('cuts at event boundaries within the byte budget, in order, covering every byte', () => {
    const s = events(100, 50)
    const one = s.entries.length / 100
    const cut = cutEntries(core, s.entries, Math.floor(one * 7.5), 1 << 30)!
    expect(cut.pieces.map((p) => p.count)).toEqual([...Array(14).fill(7), 2])
    let at = 0
    for (const p of cut.pieces) {
      expect(p.start).toBe(at)
      expect(p.end - p.start).toBeLessThanOrEqual(Math.floor(one * 7.5))
      at = p.end
    }
    expect(at).toBe(s.entries.length)
  })

  it('cuts by event count', () => {
    const s = events(10)
    expect(cutEntries(core, s.entries, 1 << 20, 3)!.pieces.map((p) => p.count)).toEqual([3, 3, 3, 1])
  })

  it('sets oversized events apart and keeps the rest in order', () => {
    const small = events(2)
    const big = streamFromEvents('app.web', [{ time: new EventTime(5, 0), record: { big: 'y'.repeat(5000) } }])
    const entries = concat([small.entries, big.entries, small.entries])
    const cut = cutEntries(core, entries, 1000, 1 << 30)!
    expect(cut.oversize).toEqual([{ start: small.entries.length, end: small.entries.length + big.entries.length, count: 1 }])
    expect(cut.pieces).toEqual([
      { start: 0, end: small.entries.length, count: 2 },
      { start: small.entries.length + big.entries.length, end: entries.length, count: 2 },
    ])
  })

  it('gives the same pieces for the same bytes (a chunk written again gets the same message ids)', () => {
    const s = events(500, 30)
    expect(cutEntries(core, s.entries, 4096, 50)).toEqual(cutEntries(core, s.entries, 4096, 50))
  })

  it('refuses bytes that are not an entries stream', () => {
    expect(cutEntries(core, new Uint8Array([0x92, 0x01]), 1000, 10)).toBeNull()
  })
})

describe('forwardMessage', () => {
  it('is a PackedForward [tag, bin(entries), {size}] the core frames back exactly', () => {
    const s = events(3)
    const msg = forwardMessage('app.web', s.entries, 3, false)
    expect(msg.length).toBeLessThanOrEqual(s.entries.length + envelopeOverhead(7))
    const [t, payload, options] = decode(msg) as [string, Uint8Array, Record<string, unknown>]
    expect(t).toBe('app.web')
    expect(payload).toBeInstanceOf(Uint8Array)
    expect(Buffer.from(payload).equals(Buffer.from(s.entries))).toBe(true)
    expect(options).toEqual({ size: 3 })
    const framed = core.framer.frame(msg)
    expect(framed.messages).toHaveLength(1)
    expect(framed.messages[0].mode).toBe(Mode.PACKED)
    expect(framed.consumed).toBe(msg.length)
  })

  it('uses bin8/16/32 and uint forms by size, and a str8 tag', () => {
    for (const n of [1, 100, 3000]) {
      const s = events(n)
      const [t, payload, options] = decode(forwardMessage('t'.repeat(40), s.entries, n, false)) as [string, Uint8Array, { size: number }]
      expect(t).toBe('t'.repeat(40))
      expect(payload.length).toBe(s.entries.length)
      expect(options.size).toBe(n)
    }
  })

  it('marks gzip payloads as CompressedPackedForward', () => {
    const s = events(20)
    const [, payload, options] = decode(forwardMessage('app', gzipSync(s.entries), 20, true)) as [
      string,
      Uint8Array,
      Record<string, unknown>,
    ]
    expect(options).toEqual({ size: 20, compressed: 'gzip' })
    expect(Buffer.from(gunzipSync(payload)).equals(Buffer.from(s.entries))).toBe(true)
  })

  it('gzip never grows a payload by more than gzipGrowth', () => {
    const random = new Uint8Array(200_000)
    for (let i = 0; i < random.length; i++) random[i] = (Math.random() * 256) | 0
    expect(gzipSync(random).length).toBeLessThanOrEqual(random.length + gzipGrowth(random.length))
  })
})

describe('formattedMessages', () => {
  /** A formatter writing what `text` makes of each event. */
  const formatter = (
    text: (tag: string, sec: number, nsec: number, bytes: Uint8Array, s: number, e: number) => string,
  ): FormatterPlugin => ({
    format(tag, sec, nsec, bytes, s, e, out) {
      out.writeText(text(tag, sec, nsec, bytes, s, e))
    },
  })
  const line = formatter((_tag, sec, _nsec, _bytes, s, e) => `${sec}:${e - s}\n`)

  it('one event per message by default, joined within the budget otherwise', () => {
    const s = events(5)
    expect(
      formattedMessages(
        core,
        'app',
        s.entries,
        formatter((_t, sec) => `${sec}\n`),
        1000,
        1,
      )!.messages,
    ).toHaveLength(5)
    const joined = formattedMessages(
      core,
      'app',
      s.entries,
      formatter((_t, sec) => `${sec}\n`),
      22,
      1000,
    )!
    expect(joined.messages.map((m) => new TextDecoder().decode(m))).toEqual([
      '1700000000\n1700000001\n',
      '1700000002\n1700000003\n',
      '1700000004\n',
    ])
    expect(formattedMessages(core, 'app', s.entries, line, 1000, 1000)!.messages).toHaveLength(1)
  })

  it('sets apart events whose line is larger than the budget', () => {
    const s = events(3)
    const cut = formattedMessages(
      core,
      'app',
      s.entries,
      formatter((_t, sec) => (sec === 1_700_000_001 ? 'z'.repeat(100) : 'a\n')),
      50,
      1000,
    )!
    expect(cut.oversize).toHaveLength(1)
    expect(cut.messages.map((m) => new TextDecoder().decode(m))).toEqual(['a\na\n'])
  })

  it('sets apart events the formatter refuses, with the first error', () => {
    const s = events(3)
    const refusing = formatter((_t, sec) => {
      if (sec === 1_700_000_001) throw new Error('NaN is not JSON')
      return 'a\n'
    })
    const cut = formattedMessages(core, 'app', s.entries, refusing, 1000, 1000)!
    expect(cut.refused).toHaveLength(1)
    expect((cut.error as Error).message).toBe('NaN is not JSON')
    expect(cut.messages.map((m) => new TextDecoder().decode(m))).toEqual(['a\na\n'])
  })
})
