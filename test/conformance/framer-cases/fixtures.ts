/**
 * @module Conformance: the byte fixtures of test/fixtures/forward/ (NAME.hex + NAME.json) — what
 * Fluentd's and Fluent Bit's out_forward and the Docker logging driver send — framed, and the
 * compressed ones inflated and walked.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { Compressed, type EntryInfo, FrameStatus, Mode } from '../../../wasm/types.ts'
import { hex } from '../../helpers/msgpack-build.ts'
import { type FramerUnderTest, decodeAt, slice, text } from './context.ts'

const DIR = new URL('../../fixtures/forward/', import.meta.url)

interface ExpectedEvent {
  sec: number
  nsec: number
  flags: number
  record: unknown
}

interface ExpectedMessage {
  mode: keyof typeof Mode
  tag: string | null
  options: { size: number | null; compressed: keyof typeof Compressed; chunk: string | null; fluentSignal: number }
  events?: ExpectedEvent[]
  /** COMPRESSED: the events of the gunzipped payload. */
  inflated?: ExpectedEvent[]
}

interface Fixture {
  description: string
  messages: ExpectedMessage[]
}

const fixtureNames = readdirSync(DIR)
  .filter((f) => f.endsWith('.hex'))
  .map((f) => f.slice(0, -4))
  .sort()

const load = (name: string): { bytes: Uint8Array; expected: Fixture } => ({
  bytes: hex(readFileSync(new URL(`${name}.hex`, DIR), 'utf8')),
  expected: JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as Fixture,
})

const summarize = (bytes: Uint8Array, events: EntryInfo[]): ExpectedEvent[] =>
  events.map((e) => ({ sec: e.sec, nsec: e.nsec, flags: e.flags, record: decodeAt(bytes, e.record) }))

export function fixtureCases(fut: FramerUnderTest): void {
  describe('peer fixtures (test/fixtures/forward)', () => {
    it('there are fixtures', () => {
      expect(fixtureNames.length).toBeGreaterThan(0)
    })

    it.each(fixtureNames)('%s', (name) => {
      const { bytes, expected } = load(name)
      const o = fut.frame(bytes)
      expect(o.status).toBe(FrameStatus.OK)
      expect(o.messages).toHaveLength(expected.messages.length)
      o.messages.forEach((m, i) => {
        const want = expected.messages[i]
        expect(m.mode).toBe(Mode[want.mode])
        expect(text(bytes, m.tag)).toBe(want.tag)
        expect(m.options.size).toBe(want.options.size)
        expect(m.options.compressed).toBe(Compressed[want.options.compressed])
        expect(m.options.fluentSignal).toBe(want.options.fluentSignal)
        expect(m.options.chunk === null ? null : decodeAt(bytes, m.options.chunk)).toBe(want.options.chunk)
        if (want.events !== undefined) expect(summarize(bytes, m.events)).toEqual(want.events)
        if (want.inflated !== undefined) {
          const inflated = new Uint8Array(gunzipSync(slice(bytes, m.entries)))
          const walk = fut.walk(inflated)
          expect(walk.status).toBe(FrameStatus.OK)
          expect(summarize(inflated, walk.events)).toEqual(want.inflated)
        }
      })
    })
  })
}
