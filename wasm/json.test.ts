/**
 * @module The JSON bridge's hot-path API over the real core (what the conformance suite's plain
 * objects do not show): text already in a region, host rejection + compaction, patching a time in
 * place, extras and argument errors, regions reused without growing, and limits far past any stack.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decode, encode } from '@msgpack/msgpack'
import * as abi from './abi.ts'
import { JsonError } from './json.ts'
import { loadCore } from './load-node.ts'

const enc = (s: string) => new TextEncoder().encode(s)

describe('JsonParser (hot path)', () => {
  it('reads text already in the input region, at an offset', async () => {
    const core = await loadCore()
    const p = core.createJsonParser({ timeKey: 'time', timeMode: 'double' })
    const text = enc('xxxx{"time":1441588984.5,"a":1}yy')
    core.input(text)
    expect(p.run(0, 4, text.length - 6, 'value', 7, 8)).toBe(abi.STATUS_OK)
    expect([p.itemCount, p.entryCount]).toEqual([1, 1])
    expect([p.item(0, abi.I_SEC), p.item(0, abi.I_NSEC), p.item(0, abi.I_SRC_START), p.item(0, abi.I_SRC_END)]).toEqual([
      1441588984, 500_000_000, 0, 27,
    ])
    expect(decode(p.entriesView().subarray(11))).toEqual({ a: 1 })
    p.free()
  })

  it('gives a line parser what it needs: ranges of many lines in one call, records as views, string times to patch', async () => {
    const core = await loadCore()
    const p = core.createJsonParser({ timeKey: 'time', timeMode: 'float' })
    const text = enc('{"time":"2020-01-01T00:00:00Z","a":1}\nnot json\n[{"b":2},7]\n{"time":1441588984.5,"c":3}')
    const lines: [number, number][] = []
    for (let at = 0; at <= text.length; ) {
      let end = text.indexOf(0x0a, at)
      if (end < 0) end = text.length
      lines.push([at, end])
      at = end + 1
    }
    expect(p.runRanges(text, lines, 9, 0)).toBe(abi.STATUS_OK)
    const got = []
    for (let i = 0; i < p.itemCount; i++) {
      const status = p.item(i, abi.I_STATUS)
      const line = p.item(i, abi.I_LINE)
      if (status !== abi.ITEM_OK) {
        got.push([line, status])
        continue
      }
      // a string time is parsed by the host (here: Date.parse) and patched in place
      if ((p.item(i, abi.I_TIME) & 0xff) === abi.TIME_KIND_STRING) {
        const raw = JSON.parse(new TextDecoder().decode(text.subarray(p.item(i, abi.I_TIME_START), p.item(i, abi.I_TIME_END))))
        p.setTime(i, Date.parse(raw) / 1000, 0)
      }
      got.push([line, decode(p.recordView(i)), p.item(i, abi.I_SEC), p.item(i, abi.I_NSEC)])
    }
    expect(got).toEqual([
      [1, { a: 1 }, 1577836800, 0],
      [2, abi.ITEM_INVALID],
      [3, { b: 2 }, 9, 0],
      [3, abi.ITEM_NOT_OBJECT],
      [4, { c: 3 }, 1441588984, 500_000_000],
    ])
    expect(new DataView(p.entriesView().buffer, p.entriesView().byteOffset).getUint32(3)).toBe(1577836800)
    p.free()
  })

  it('lets the host refuse items and patch times, then compacts the entries in place', async () => {
    const core = await loadCore()
    const p = core.createJsonParser({ timeKey: 't' })
    expect(p.runBytes(enc('[{"n":1,"t":"2020-01-01"},{"n":2},{"n":3,"t":"bad"},{"n":4}]'), 'value', 5, 0)).toBe(abi.STATUS_OK)
    expect(p.item(0, abi.I_TIME) & 0xff).toBe(abi.TIME_KIND_STRING)
    p.setTime(0, 1577836800, 1)
    p.reject(2)
    const length = p.compact()
    const entries = p.entries()
    expect(length).toBe(entries.length)
    expect(p.entryCount).toBe(3)
    const view = new DataView(entries.buffer)
    expect([view.getUint32(3), view.getUint32(7)]).toEqual([1577836800, 1])
    const ranges = [0, 1, 2, 3].map((i) => [p.item(i, abi.I_ENTRY_START), p.item(i, abi.I_ENTRY_END)])
    expect(ranges[2][0]).toBe(ranges[2][1])
    expect([0, 1, 3].map((i) => decode(entries.subarray(ranges[i][0] + 11, ranges[i][1])))).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }])
    expect(ranges[3][1]).toBe(entries.length)
    p.free()
  })

  it('refuses malformed extras and bad options with clear errors', async () => {
    const core = await loadCore()
    expect(() => core.createJsonParser({ maxDepth: 0 })).toThrow(JsonError)
    expect(() => core.createJsonParser({ maxDepth: 100_001 })).toThrow(JsonError)
    const p = core.createJsonParser()
    expect(() => p.setExtras(new Uint8Array([...encode(1), ...encode(2)]))).toThrow('str keys')
    expect(() => p.setExtras(new Uint8Array([...encode('k')]))).toThrow('str keys')
    expect(() => p.setExtras(Uint8Array.of(0xa3, 0x61))).toThrow('str keys')
    p.setExtras(new Uint8Array([...encode('k'), ...encode({ nested: [1, 2] })]))
    p.runBytes(enc('{}'), 'value', 0, 0)
    expect(decode(p.entriesView().subarray(11))).toEqual({ k: { nested: [1, 2] } })
    p.setExtras(null)
    p.runBytes(enc('{}'), 'value', 0, 0)
    expect(decode(p.entriesView().subarray(11))).toEqual({})
    // text outside the region, bad framing arguments
    core.input(enc('{}'))
    expect(() => p.run(0, 0, 1 << 30, 'value', 0, 0)).toThrow(JsonError)
    expect(core.exports.jsonValue(2, 0, 1, 512)).toBe(abi.STATUS_BAD_ARGUMENT)
    expect(core.exports.jsonEntries(0, 0, 0, 2, abi.FRAMING_VALUE, 0, 0, 0)).toBe(abi.STATUS_BAD_ARGUMENT)
    const ranges = core.exports.jsonRangesReserve(1)
    new Uint32Array(core.exports.memory.buffer, ranges, 2).set([1, 0])
    expect(() => p.run(0, 0, 2, 'ranges', 0, 0, 1)).toThrow(JsonError)
    p.free()
  })

  it('reuses its regions: the same work again does not grow memory', async () => {
    const core = await loadCore()
    const p = core.createJsonParser({ timeKey: 'time' })
    const body = enc(JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, msg: `event ${i}`, nested: { a: [1, 2, 3] } }))))
    for (let i = 0; i < 3; i++) p.runBytes(body, 'value', 0, 0)
    const pages = core.exports.memory.buffer.byteLength
    for (let i = 0; i < 50; i++) p.runBytes(body, i % 2 ? 'value' : 'lines', 0, 0)
    expect(core.exports.memory.buffer.byteLength).toBe(pages)
    p.free()
  })

  it('is iterative: 100,000 levels of nesting are a status, not a stack overflow', async () => {
    const core = await loadCore()
    const deep = enc(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)
    expect(core.json.value(deep, 100_000).status).toBe(0)
    expect(core.json.value(enc(`${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`), 100_000)).toMatchObject({
      status: 6,
      errorOffset: 500_000,
    })
  })

  it('stays linear on a huge object (a hash index replaces the scan past 32 keys)', async () => {
    const core = await loadCore()
    const pairs = Array.from({ length: 100_000 }, (_, i) => `"key${i}":${i}`)
    const text = enc(`{${pairs.join(',')},"key5":"last"}`)
    const o = core.json.value(text)
    expect(o.status).toBe(0)
    const value = decode(o.bytes) as Record<string, unknown>
    expect(Object.keys(value)).toHaveLength(100_000)
    expect(value.key5).toBe('last')
  })
})

describe('the power-of-ten table', () => {
  it('is what scripts/gen-pow10-table.mjs computes (exact BigInt arithmetic)', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { render } = await import('../scripts/gen-pow10-table.mjs')
    expect(readFileSync(new URL('../assembly/json/pow10-table.ts', import.meta.url), 'utf8')).toBe(render())
  })
})
