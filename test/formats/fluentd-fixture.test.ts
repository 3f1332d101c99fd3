/**
 * @module Byte-for-byte comparison with Fluentd 1.18: the events of test/fixtures/fluentd-formats
 * were formatted by Fluentd v1.18.0's own formatters, out_file and out_stdout (generate.rb ran them,
 * Ruby 3.1, yajl-ruby 1.4.3, oj 3.14.2, TZ=Asia/Tokyo); here sluice's formatters, its out_file
 * (writing a real file) and out_stdout format the same msgpack and must produce the same bytes —
 * except where sluice does better on purpose, listed in DIVERGENCES with the reason.
 */

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateElement } from '../../engine/config/schema.ts'
import type { EventStream } from '../../engine/event-stream.ts'
import { ByteBuffer } from '../../engine/formatter/byte-buffer.ts'
import type { PluginSectionConfig } from '../../engine/plugin.ts'
import { formatSection } from '../../engine/schemas/sections/format.ts'
import { EntriesWriter } from '../../engine/records/entries-writer.ts'
import { createOutStdout } from '../../node-server/plugins/out_stdout/index.ts'
import { outFile } from '../../node-server/plugins/out_file/index.ts'
import { type FixtureEvent, EVENTS } from '../fixtures/fluentd-formats/events.ts'
import { eventsFile } from '../fixtures/fluentd-formats/write-events.ts'
import { startAgent } from '../helpers/agent.ts'
import { formatterRegistry, testFormatter } from '../helpers/formatters.ts'

const DIR = join(import.meta.dirname, '../fixtures/fluentd-formats')

interface Case {
  name: string
  kind: 'formatter' | 'out_file' | 'out_stdout'
  conf: Record<string, string>
  sections?: { name: string; params: Record<string, string> }[]
  note: string
}
type Result = { hex: string } | { error: string }
type Stored = { length: number } | { error: string }

const cases: Case[] = JSON.parse(await readFile(join(DIR, 'cases.json'), 'utf8'))
/** Fluentd's result per event: its bytes (cut from expected/<name>.out) or its error. */
async function expected(name: string): Promise<Result[]> {
  const stored: Stored[] = JSON.parse(await readFile(join(DIR, 'expected', `${name}.json`), 'utf8'))
  const out = await readFile(join(DIR, 'expected', `${name}.out`))
  let at = 0
  return stored.map((r) => {
    if ('error' in r) return r
    const hexText = out.subarray(at, at + r.length).toString('hex')
    at += r.length
    return { hex: hexText }
  })
}
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const bytesOf = (text: string) => new TextEncoder().encode(text)

/** What sluice writes where it differs from Fluentd 1.18, and why. `error` means sluice refuses the event. */
type Divergence = { why: string; sluice: (fluentd: Result, event: FixtureEvent) => Uint8Array | 'error' }
const NAN = [9, 10]
const ojNan: Divergence = {
  why: 'Oj writes NaN/Infinity, which is not JSON; sluice refuses the event (it becomes an error event)',
  sluice: () => 'error',
}
const floatTime: Divergence = {
  why: "Fluentd's time_type float replaces nanosecond digits by zero padding (1441588986.000 for 123456 ns); sluice writes them",
  sluice: (fluentd, e) => {
    const text = Buffer.from((fluentd as { hex: string }).hex, 'hex')
    const tab = text.indexOf(0x09)
    return new Uint8Array(Buffer.concat([Buffer.from(`${e.sec}.${String(e.nsec).padStart(9, '0')}`), text.subarray(tab)]))
  },
}
const LTSV_BYTES: Record<number, (sep: string, label: string) => Uint8Array> = {
  1: (s, l) =>
    Uint8Array.from([
      ...bytesOf(`bin${l}`),
      0xff,
      0xfe,
      0x00,
      0x41,
      ...bytesOf(`${s}bad${l}a`),
      0xff,
      ...bytesOf(`b${s}cut${l}`),
      0xe2,
      0x82,
      ...bytesOf(`${s}binutf8${l}é`),
    ]),
  17: (s, l) => bytesOf(`u${l}é${s}b${l}é${s}message${l}mixed`),
}
const ltsv = (sep: string, label: string, prefix?: (e: FixtureEvent) => string): Divergence => ({
  why: 'Ruby raises on mixing bin/invalid bytes with UTF-8 text (Encoding::CompatibilityError); sluice writes the bytes',
  sluice: (_f, e) => {
    const i = EVENTS.indexOf(e)
    const body = LTSV_BYTES[i](sep, label)
    const head = prefix ? bytesOf(prefix(e)) : new Uint8Array(0)
    return Uint8Array.from([...head, ...body, 0x0a])
  },
})
const DIVERGENCES: Record<string, Record<number, Divergence>> = {
  json: { 9: ojNan, 10: ojNan },
  'json-no-newline': { 9: ojNan, 10: ojNan },
  stdout: { 9: ojNan, 10: ojNan },
  'stdout-time-format': { 9: ojNan, 10: ojNan },
  out_stdout: { 9: ojNan, 10: ojNan },
  'out_stdout-json-inject': { 9: ojNan, 10: ojNan },
  'out_file-plugin-json': { 9: ojNan, 10: ojNan },
  'out_file-float': Object.fromEntries(
    EVENTS.map((e, i) => [i, e.nsec >= 100_000_000 || NAN.includes(i) ? null : floatTime]).filter(([, d]) => d !== null),
  ),
  ltsv: { 1: ltsv('\t', ':'), 17: ltsv('\t', ':') },
  'ltsv-custom': { 1: ltsv(',', '='), 17: ltsv(',', '=') },
  'stdout-ltsv': {
    1: ltsv('\t', ':', (e) => `2015-09-07 10:23:05.${String(e.nsec).padStart(9, '0')} +0900 ${e.tag}: `),
    17: ltsv('\t', ':', (e) => `2015-09-07 10:23:21.${String(e.nsec).padStart(9, '0')} +0900 ${e.tag}: `),
  },
  'csv-no-quotes': {
    17: {
      why: 'Ruby raises on a row mixing UTF-8 and bin non-ASCII; sluice writes the bytes',
      sluice: () => bytesOf('mixed,,,,,,,,,é,é,\n'),
    },
  },
  'csv-nested': {
    8: {
      why: 'Fluentd raises digging into an integer ($.a.b when a is 3); sluice reads a missing value (nil)',
      sluice: () => bytesOf('"","",""'),
    },
  },
}

/** What sluice must write for event `i` of case `c`: Fluentd's bytes, or the divergence's. */
function sluiceExpected(c: Case, fluentd: Result[], i: number): Uint8Array | 'error' {
  const divergence = DIVERGENCES[c.name]?.[i]
  const want = fluentd[i]
  return divergence ? divergence.sluice(want, EVENTS[i]) : 'hex' in want ? new Uint8Array(Buffer.from(want.hex, 'hex')) : 'error'
}

function check(c: Case, results: (Uint8Array | 'error')[], fluentd: Result[]): void {
  results.forEach((got, i) => {
    const divergence = DIVERGENCES[c.name]?.[i]
    const expectedBytes = sluiceExpected(c, fluentd, i)
    const label = `${c.name}, event ${i} (${EVENTS[i].note})${divergence ? ` — divergence: ${divergence.why}` : ''}`
    if (expectedBytes === 'error') expect(got, label).toBe('error')
    else expect(got === 'error' ? 'error' : hex(got), label).toBe(hex(expectedBytes))
  })
}

let savedTz: string | undefined
beforeAll(() => {
  savedTz = process.env.TZ
  process.env.TZ = 'Asia/Tokyo'
})
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ
  else process.env.TZ = savedTz
})

describe('the fixture', () => {
  it('feeds Fluentd the same events sluice reads (events.msgpack is events.ts)', async () => {
    expect(hex(new Uint8Array(await readFile(join(DIR, 'events.msgpack'))))).toBe(hex(eventsFile()))
  })

  it('lists only divergences that exist (a fixed one must be removed from DIVERGENCES)', async () => {
    for (const [name, byEvent] of Object.entries(DIVERGENCES)) {
      const fluentd = await expected(name)
      for (const [i, d] of Object.entries(byEvent)) {
        const sluice = d.sluice(fluentd[Number(i)], EVENTS[Number(i)])
        const theirs = fluentd[Number(i)]
        expect(sluice === 'error' ? 'error' : hex(sluice), `${name} ${i}`).not.toBe('hex' in theirs ? theirs.hex : 'error')
      }
    }
  })
})

describe('formatters produce Fluentd 1.18 bytes', () => {
  for (const c of cases.filter((c) => c.kind === 'formatter')) {
    it(`${c.name}${c.note ? ` (${c.note})` : ''}`, async () => {
      const format = { name: 'format', arg: '', params: c.conf, elements: [] }
      const { config, errors } = validateElement(
        { name: 'match', arg: '**', params: {}, elements: [format] },
        { params: [], sections: [formatSection('json')] },
        undefined,
        { plugins: formatterRegistry },
      )
      expect(errors.map((e) => e.message)).toEqual([])
      const formatter = testFormatter(config.format as PluginSectionConfig, format)
      const out = new ByteBuffer()
      const results = EVENTS.map((e) => {
        out.reset()
        try {
          formatter.format(e.tag, e.sec, e.nsec, e.record, 0, e.record.length, out)
          return out.take()
        } catch {
          return 'error' as const
        }
      })
      check(c, results, await expected(c.name))
    })
  }
})

function stream(e: FixtureEvent): EventStream {
  const w = new EntriesWriter()
  w.appendEncoded(e.sec, e.nsec, e.record, 0, e.record.length)
  return { tag: e.tag, entries: w.bytes(), count: 1 }
}

function sectionsText(sections: Case['sections'] = []): string {
  return sections
    .map(
      (s) =>
        `  <${s.name}>\n${Object.entries(s.params)
          .map(([k, v]) => `    ${k} ${v}\n`)
          .join('')}  </${s.name}>\n`,
    )
    .join('')
}

describe('out_file writes the file Fluentd 1.18 writes', () => {
  for (const c of cases.filter((c) => c.kind === 'out_file')) {
    it(`${c.name}${c.note ? ` (${c.note})` : ''}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sluice-fixture-'))
      const running = await startAgent(
        `<match **>\n  @type file\n  @id out\n  path ${dir}/out\n  <buffer>\n    @type memory\n  </buffer>\n${sectionsText(c.sections)}</match>\n`,
        [outFile],
      )
      try {
        for (const e of EVENTS) await running.agent.root.emit(stream(e))
        const plugin = running.agent.plugins.find((p) => p.id === 'out')!.plugin as { flushAll(): Promise<void> }
        await plugin.flushAll()
        // Fluentd's file (expected/<case>.out) is its per-event bytes back to back, in order.
        const fluentd = await expected(c.name)
        // sluice keeps one chunk per tag (its chunks hold entries, not formatted lines), so the
        // events of each tag are one file of the slice: the same bytes, grouped by tag.
        const byTag = new Map<string, string>()
        let refusedCount = 0
        EVENTS.forEach((e, i) => {
          const bytes = sluiceExpected(c, fluentd, i)
          if (bytes === 'error') refusedCount++
          else byTag.set(e.tag, (byTag.get(e.tag) ?? '') + hex(bytes))
        })
        const files = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort()
        expect(files).toEqual(['out.20150907_0.log', 'out.20150907_1.log'])
        const written = await Promise.all(files.map(async (f) => hex(new Uint8Array(await readFile(join(dir, f))))))
        expect(written.sort()).toEqual([...byTag.values()].sort())
        // The events Fluentd could not format (NaN, -Infinity) went to the log as error events.
        const refused = running.logs.filter((l) => l.message === 'dump an error event')
        expect(refused.map((l) => [l.fields?.count, l.fields?.error])).toEqual([[refusedCount, "'NaN' is an invalid number"]])
      } finally {
        await running.stop()
        await rm(dir, { recursive: true, force: true })
      }
    })
  }
})

describe('out_stdout writes the lines Fluentd 1.18 writes', () => {
  for (const c of cases.filter((c) => c.kind === 'out_stdout')) {
    it(`${c.name}${c.note ? ` (${c.note})` : ''}`, async () => {
      const chunks: Buffer[] = []
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          chunks.push(chunk)
          done()
        },
      })
      const running = await startAgent(`<match **>\n  @type stdout\n${sectionsText(c.sections)}</match>\n`, [
        createOutStdout({ stream: sink }),
      ])
      try {
        const results: (Uint8Array | 'error')[] = []
        for (const e of EVENTS) {
          const before = chunks.length
          await running.agent.root.emit(stream(e))
          const written = Buffer.concat(chunks.slice(before))
          results.push(written.length === 0 ? 'error' : new Uint8Array(written))
        }
        check(c, results, await expected(c.name))
      } finally {
        await running.stop()
      }
    })
  }
})
