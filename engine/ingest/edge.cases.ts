/**
 * @module The `responses: 'edge'` contract as one suite, run on `app.request` under Node and
 * inside workerd through the edge worker: 202 `{accepted, rejected, rejected_count}` with per-line
 * partial success, the browser's sendBeacon bodies, JSON errors with 400 / 403 / 413 / 415 / 500 /
 * 503, and the edge limits. A runner supplies `makeTarget(params, now)` as for runIngestSuite;
 * params are the edge source's (Fluentd names; `responses` defaults to edge). Runtime-neutral.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import { EventTime } from '../event-time.ts'
import { compress, NOW_MS, post, URL_BASE, type IngestTarget, type MakeTarget, type SuiteContext } from './ingest-cases/support.ts'

const json = 'application/json'
const NOW = EventTime.now(() => NOW_MS)

interface Answer {
  accepted?: number
  rejected?: { line: number; index?: number; error: string }[]
  rejected_count?: number
  error?: string
}

async function answer(res: Response): Promise<Answer> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return (await res.json()) as Answer
}

export function runEdgeIngestSuite(name: string, makeTarget: MakeTarget): void {
  describe(`edge ingest contract (${name})`, () => {
    const open: IngestTarget[] = []
    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()))
    })
    const ctx: SuiteContext = {
      async target(params = {}) {
        const t = await makeTarget(params, () => NOW_MS)
        open.push(t)
        return t
      },
    }
    formatCases(ctx)
    limitCases(ctx)
  })
}

function formatCases(ctx: SuiteContext): void {
  describe('formats and partial success', () => {
    it('answers 202 with the count for a JSON object and an array', async () => {
      const t = await ctx.target()
      const one = await t.fetch(post('/app/web', '{"a":1}', json))
      expect(one.status).toBe(202)
      expect(await answer(one)).toEqual({ accepted: 1, rejected: [], rejected_count: 0 })
      const batch = await t.fetch(post('/app/web?time=1441588984.5', '[{"a":2},{"a":3}]', json))
      expect(await answer(batch)).toEqual({ accepted: 2, rejected: [], rejected_count: 0 })
      expect(t.events()).toEqual([
        { tag: 'app.web', time: NOW, record: { a: 1 } },
        { tag: 'app.web', time: new EventTime(1441588984, 500_000_000), record: { a: 2 } },
        { tag: 'app.web', time: new EventTime(1441588984, 500_000_000), record: { a: 3 } },
      ])
    })

    it('accepts the other array elements and reports the bad ones by index', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/arr', '[{"a":1},3,{"a":2},null]', json))
      expect(res.status).toBe(202)
      expect(await answer(res)).toEqual({
        accepted: 2,
        rejected: [
          { line: 1, index: 1, error: 'not an object: 3' },
          { line: 1, index: 3, error: 'not an object: null' },
        ],
        rejected_count: 2,
      })
      expect(t.events().map((e) => e.record.a)).toEqual([1, 2])
    })

    it('NDJSON: a bad line refuses only itself, reported by line number (blank lines and CRLF counted)', async () => {
      const t = await ctx.target()
      const body = '{"n":1}\r\n\n{bad json\n[{"n":2},"x"]\n{"n":3,"time":"yesterday"}\n{"n":4}\n'
      const res = await t.fetch(post('/nd', body, 'application/x-ndjson'))
      expect(res.status).toBe(202)
      const a = await answer(res)
      expect(a.accepted).toBe(3)
      expect(a.rejected!.map((r) => [r.line, r.index])).toEqual([
        [3, undefined],
        [4, 1],
        [5, undefined],
      ])
      expect(a.rejected![0].error).toMatch(/^invalid JSON/)
      expect(a.rejected![2].error).toMatch(/time must be numeric/)
      expect(t.events().map((e) => e.record.n)).toEqual([1, 2, 4])
    })

    it('JSON text sent as application/json that is NDJSON is read line by line', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/j', '{"n":1}\n{"n":2}', json))
      expect(await answer(res)).toMatchObject({ accepted: 2, rejected_count: 0 })
    })

    it('answers 400 with the rejected lines when nothing was accepted (invalid JSON is not silently accepted)', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/bad', 'not json', json))
      expect(res.status).toBe(400)
      const a = await answer(res)
      expect(a).toMatchObject({ error: 'no event of the request was accepted', accepted: 0, rejected_count: 1 })
      expect(a.rejected![0]).toMatchObject({ line: 1 })
      expect(t.events()).toEqual([])
    })

    it('reads navigator.sendBeacon bodies: text/plain;charset=UTF-8 strings (JSON or NDJSON) and typed or untyped Blobs', async () => {
      const t = await ctx.target()
      const beacon = (body: BodyInit) => new Request(URL_BASE + '/beacon', { method: 'POST', body })
      expect((await t.fetch(beacon('{"b":1}'))).status).toBe(202)
      expect((await t.fetch(beacon('{"b":2}\n{"b":3}'))).status).toBe(202)
      expect((await t.fetch(beacon(new Blob(['[{"b":4}]'], { type: 'application/json' })))).status).toBe(202)
      expect((await t.fetch(beacon(new Blob(['{"b":5}\n'], { type: 'application/x-ndjson' })))).status).toBe(202)
      expect((await t.fetch(beacon(new Blob(['{"b":6}'])))).status).toBe(202)
      expect((await t.fetch(beacon(new Blob([encode({ b: 7 }) as Uint8Array<ArrayBuffer>], { type: 'application/msgpack' })))).status).toBe(
        202,
      )
      expect(t.events().map((e) => e.record.b)).toEqual([1, 2, 3, 4, 5, 6, 7])
    })

    it('msgpack: every object of the stream counts; undecodable bytes refuse the rest with the object number', async () => {
      const t = await ctx.target()
      const body = new Uint8Array([...encode({ m: 1, big: 2n ** 63n }, { useBigInt64: true }), ...encode([{ m: 2 }, 'x']), 0xc1])
      const res = await t.fetch(post('/mp', body, 'application/msgpack'))
      expect(res.status).toBe(202)
      const a = await answer(res)
      expect(a.accepted).toBe(2)
      expect(a.rejected!.map((r) => [r.line, r.index])).toEqual([
        [2, 1],
        [3, undefined],
      ])
      expect(a.rejected![1].error).toMatch(/^invalid msgpack/)
      expect(t.events().map((e) => e.record)).toEqual([{ m: 1, big: 2n ** 63n }, { m: 2 }])
    })

    it('reads form json= / ndjson= / msgpack= fields and the json= query param', async () => {
      const t = await ctx.target()
      await t.fetch(post('/f', 'json=' + encodeURIComponent('[{"f":1}]'), 'application/x-www-form-urlencoded'))
      await t.fetch(post('/f', 'ndjson=' + encodeURIComponent('{"f":2}\n{"f":3}'), 'application/x-www-form-urlencoded'))
      await t.fetch(post(`/f?json=${encodeURIComponent('{"f":4}')}`, 'ignored', 'text/plain'))
      // curl -d '{…}' sends JSON labelled as a form: read as JSON
      await t.fetch(post('/f', '{"f":5}', 'application/x-www-form-urlencoded'))
      expect(t.events().map((e) => e.record.f)).toEqual([1, 2, 3, 4, 5])
      const empty = await t.fetch(post('/f', 'other=1', 'application/x-www-form-urlencoded'))
      expect(empty.status).toBe(400)
      expect((await answer(empty)).error).toMatch(/no events/)
    })

    it('inflates gzip and deflate; 415 for an unknown encoding or Content-Type; 400 for a corrupt body', async () => {
      const t = await ctx.target()
      expect((await t.fetch(post('/z', await compress('[{"z":1},{"z":2}]', 'gzip'), json, { 'content-encoding': 'gzip' }))).status).toBe(
        202,
      )
      expect((await t.fetch(post('/z', await compress('{"z":3}', 'deflate'), json, { 'content-encoding': 'deflate' }))).status).toBe(202)
      const br = await t.fetch(post('/z', '{"z":0}', json, { 'content-encoding': 'br' }))
      expect(br.status).toBe(415)
      expect((await answer(br)).error).toContain('unsupported Content-Encoding: br')
      const html = await t.fetch(post('/z', '<p>', 'text/html'))
      expect(html.status).toBe(415)
      expect((await answer(html)).error).toContain('unsupported Content-Type: text/html')
      expect((await t.fetch(post('/z', 'not gzip', json, { 'content-encoding': 'gzip' }))).status).toBe(400)
      expect(t.events().map((e) => e.record.z)).toEqual([1, 2, 3])
    })

    it('answers 400 for POST / and an empty body; 202 with nothing for an empty array', async () => {
      const t = await ctx.target()
      const root = await t.fetch(post('/', '{}', json))
      expect(root.status).toBe(400)
      expect((await answer(root)).error).toContain('the tag is the request path')
      expect((await t.fetch(post('/e', '', json))).status).toBe(400)
      const none = await t.fetch(post('/e', '[]', json))
      expect(none.status).toBe(202)
      expect(await answer(none)).toEqual({ accepted: 0, rejected: [], rejected_count: 0 })
    })
  })
}

function limitCases(ctx: SuiteContext): void {
  describe('limits and failures', () => {
    it('max_events_per_request: more → 413 and nothing is accepted', async () => {
      const t = await ctx.target({ max_events_per_request: 2 })
      expect((await t.fetch(post('/l', '[{"a":1},{"a":2}]', json))).status).toBe(202)
      const res = await t.fetch(post('/l', '[{"a":3},{"a":4},{"a":5}]', json))
      expect(res.status).toBe(413)
      expect((await answer(res)).error).toContain('max_events_per_request (2)')
      expect(t.events().map((e) => e.record.a)).toEqual([1, 2])
    })

    it('record_size_limit: a larger record is refused on its own; 413 when every refused one was too large', async () => {
      const t = await ctx.target({ record_size_limit: 100 })
      const big = { pad: 'x'.repeat(200) }
      const res = await t.fetch(post('/r', JSON.stringify([{ a: 1 }, big]), json))
      expect(res.status).toBe(202)
      const a = await answer(res)
      expect(a.accepted).toBe(1)
      expect(a.rejected![0]).toMatchObject({ line: 1, index: 1 })
      expect(a.rejected![0].error).toMatch(/more than record_size_limit \(100\)/)
      const only = await t.fetch(post('/r', JSON.stringify(big), json))
      expect(only.status).toBe(413)
      expect(t.events().map((e) => e.record.a)).toEqual([1])
    })

    it('body_size_limit and decompression_size_limit answer 413 in JSON', async () => {
      const t = await ctx.target({ body_size_limit: 1024, decompression_size_limit: 4096 })
      const res = await t.fetch(post('/b', JSON.stringify({ pad: 'x'.repeat(2000) }), json))
      expect(res.status).toBe(413)
      expect((await answer(res)).error).toContain('body_size_limit (1024 bytes)')
      const bomb = await compress(JSON.stringify({ pad: 'a'.repeat(100_000) }), 'gzip')
      const inflated = await t.fetch(post('/b', bomb, json, { 'content-encoding': 'gzip' }))
      expect(inflated.status).toBe(413)
      expect((await answer(inflated)).error).toContain('decompression_size_limit')
      expect(t.events()).toEqual([])
    })

    it('lists at most 100 rejected items and counts them all', async () => {
      const t = await ctx.target()
      const body = ['{"ok":1}', ...Array.from({ length: 150 }, () => 'nope')].join('\n')
      const a = await answer(await t.fetch(post('/many', body, 'application/x-ndjson')))
      expect(a.accepted).toBe(1)
      expect(a.rejected).toHaveLength(100)
      expect(a.rejected_count).toBe(150)
      expect(a.rejected![99].line).toBe(101)
    })

    it('emit failures: 500 in JSON; backpressure 503 with Retry-After; nothing accepted', async () => {
      const t = await ctx.target()
      t.failEmits(new Error('output is broken'))
      const res = await t.fetch(post('/e', '{"a":1}', json))
      expect(res.status).toBe(500)
      expect(await answer(res)).toEqual({ error: 'output is broken', accepted: 0 })
      const overflow = new Error('buffer space has too many data')
      overflow.name = 'BufferOverflowError'
      t.failEmits(overflow)
      const busy = await t.fetch(post('/e', '{"a":2}', json))
      expect(busy.status).toBe(503)
      expect(busy.headers.get('retry-after')).toBe('1')
      t.failEmits(null)
      expect((await t.fetch(post('/e', '{"a":3}', json))).status).toBe(202)
      expect(t.events().map((e) => e.record.a)).toEqual([3])
    })

    it('CORS: a disallowed Origin gets 403 in JSON, an allowed one its header on the 202', async () => {
      const t = await ctx.target({ cors_allow_origins: ['https://app.example'] })
      const denied = await t.fetch(post('/c', '{"a":1}', 'text/plain', { origin: 'https://evil.example' }))
      expect(denied.status).toBe(403)
      expect((await answer(denied)).error).toContain('https://evil.example')
      const ok = await t.fetch(post('/c', '{"a":2}', 'text/plain', { origin: 'https://app.example' }))
      expect(ok.status).toBe(202)
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example')
      expect(t.events().map((e) => e.record.a)).toEqual([2])
    })

    it('CORS: a refused preflight answers 403 in JSON with the reason and the setting to change', async () => {
      const preflight = (origin: string, method = 'POST') =>
        new Request(`${URL_BASE}/c`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method } })
      const none = await ctx.target()
      const off = await none.fetch(preflight('https://app.example'))
      expect(off.status).toBe(403)
      expect(await answer(off)).toEqual({
        error:
          "CORS preflight refused: cross-origin requests are not enabled; add the page's origin (https://app.example) to cors_allow_origins of the <source @type http>",
        setting: 'cors_allow_origins',
      })
      const t = await ctx.target({ cors_allow_origins: ['https://app.example'] })
      const other = await t.fetch(preflight('https://evil.example'))
      expect(other.status).toBe(403)
      expect(await answer(other)).toEqual({
        error: 'CORS preflight refused: origin https://evil.example is not in cors_allow_origins; add it there to allow this page',
        setting: 'cors_allow_origins',
      })
      const put = await t.fetch(preflight('https://app.example', 'PUT'))
      expect(put.status).toBe(403)
      expect(await answer(put)).toEqual({ error: 'CORS preflight refused: Access-Control-Request-Method is PUT; only POST is accepted' })
      const ok = await t.fetch(preflight('https://app.example'))
      expect(ok.status).toBe(200)
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example')
    })
  })
}
