/**
 * @module Ingest suite, payloads: §9 case 29, JSON objects and batches, invalid JSON (200, nothing
 * emitted), NDJSON, msgpack (streams, batches, exact 64-bit integers, binary), form and multipart
 * params, the json= query param, param precedence, and event times (param, record field, now).
 */

import { describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import { EventTime } from '../../event-time.ts'
import { NOW_MS, post, type SuiteContext } from './support.ts'

const NOW = EventTime.now(() => NOW_MS)
const json = 'application/json'

export function bodyCases(ctx: SuiteContext): void {
  describe('payloads', () => {
    it('§9 case 29: a JSON batch with ?time= gives one event per object, same time; scalars are skipped', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/test/h?time=1441588984.5', '[{"a":1},{"a":2},3]', json))
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(await res.text()).toBe('')
      expect(t.events()).toEqual([
        { tag: 'test.h', time: new EventTime(1441588984, 500_000_000), record: { a: 1 } },
        { tag: 'test.h', time: new EventTime(1441588984, 500_000_000), record: { a: 2 } },
      ])
    })

    it('§9 case 29: syntactically invalid JSON answers 200 and emits nothing (Fluentd)', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/test/h', 'not json', json))
      expect(res.status).toBe(200)
      expect(t.events()).toEqual([])
      expect((await t.fetch(post('/test/h', '"a string"', json))).status).toBe(200)
      expect((await t.fetch(post('/test/h', '[1, null, []]', json))).status).toBe(200)
      expect(t.events()).toEqual([])
    })

    it('§9 case 29: a text/plain body without json/ndjson/msgpack params is a 400 naming them', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/test/h', 'hello', 'text/plain'))
      expect(res.status).toBe(400)
      expect(await res.text()).toBe("400 Bad Request\n'json', 'ndjson' or 'msgpack' parameter is required\n")
      expect((await t.fetch(post('/test/h', null))).status).toBe(400)
      expect(t.events()).toEqual([])
    })

    it('takes the time from the record field (removed), else now', async () => {
      const t = await ctx.target()
      await t.fetch(
        post(
          '/app',
          '[{"time":1441588984.25,"a":1},{"a":2},{"time":1441588985,"a":3},{"time":null,"a":4}]',
          'application/json; charset=utf-8',
        ),
      )
      expect(t.events().map((e) => [e.time, e.record])).toEqual([
        [new EventTime(1441588984, 250_000_000), { a: 1 }],
        [NOW, { a: 2 }],
        [new EventTime(1441588985, 0), { a: 3 }],
        [NOW, { a: 4 }],
      ])
    })

    it('uses now for ?time=0 and keeps a record time field when the param is given', async () => {
      const t = await ctx.target()
      await t.fetch(post('/app?time=0', '{"time":5,"a":1}', json))
      expect(t.events()).toEqual([{ tag: 'app', time: NOW, record: { time: 5, a: 1 } }])
    })

    it('rejects a non-numeric record time with 400 and emits nothing of the request', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/app', '[{"a":1},{"time":"yesterday"}]', json))
      expect(res.status).toBe(400)
      expect(await res.text()).toMatch(/^400 Bad Request\nrecord 1: time must be numeric/)
      expect(t.events()).toEqual([])
    })

    it('reads NDJSON, skipping blank and invalid lines', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/nd', '{"n":1}\r\n\n{bad\n[{"n":2},{"n":3}]\n{"n":4}\n', 'application/x-ndjson'))
      expect(res.status).toBe(200)
      expect(t.events().map((e) => e.record.n)).toEqual([1, 2, 3, 4])
    })

    it('reads msgpack: a stream of maps and arrays of maps, exact 64-bit integers, binary values', async () => {
      const t = await ctx.target()
      const body = new Uint8Array([
        ...encode({ a: 1, big: 2n ** 63n + 1n, neg: -(2n ** 62n), bin: new Uint8Array([0, 255]) }, { useBigInt64: true }),
        ...encode([{ b: 2 }, 'skip', { c: { d: [1, 'x'] } }]),
      ])
      const res = await t.fetch(post('/mp', body, 'application/msgpack'))
      expect(res.status).toBe(200)
      expect(t.events().map((e) => e.record)).toEqual([
        { a: 1, big: 2n ** 63n + 1n, neg: -(2n ** 62n), bin: new Uint8Array([0, 255]) },
        { b: 2 },
        { c: { d: [1, 'x'] } },
      ])
    })

    it('rejects undecodable or truncated msgpack with 400', async () => {
      const t = await ctx.target()
      const bad = await t.fetch(post('/mp', new Uint8Array([0x81, 0xa1, 0x61, 0xc1]), 'application/msgpack'))
      expect(bad.status).toBe(400)
      expect(await bad.text()).toMatch(/^400 Bad Request\ninvalid msgpack/)
      const cut = encode({ a: 'long enough string' }).subarray(0, 8)
      expect((await t.fetch(post('/mp', cut, 'application/msgpack'))).status).toBe(400)
      expect(t.events()).toEqual([])
    })

    it('reads json= and msgpack= form params (urlencoded; + is a space; binary stays exact)', async () => {
      const t = await ctx.target()
      await t.fetch(
        post('/form', 'json=' + encodeURIComponent('{"msg":"a b"}').replace(/%20/g, '+') + '&other=1', 'application/x-www-form-urlencoded'),
      )
      const packed = encode({ k: 'v', n: 300 })
      const escaped = [...packed].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
      await t.fetch(post('/form', `msgpack=${escaped}`, 'application/x-www-form-urlencoded'))
      expect(t.events().map((e) => e.record)).toEqual([{ msg: 'a b' }, { k: 'v', n: 300 }])
    })

    it('reads multipart/form-data fields (json=, and msgpack= as a file part)', async () => {
      const t = await ctx.target()
      const form = new FormData()
      form.set('json', '[{"m":1},{"m":2}]')
      await t.fetch(post('/mp', form))
      const form2 = new FormData()
      form2.set('msgpack', new Blob([encode({ m: 3, bin: new Uint8Array([0xc1, 0xff]) })]), 'data.msgpack')
      await t.fetch(post('/mp', form2))
      expect(t.events().map((e) => e.record)).toEqual([{ m: 1 }, { m: 2 }, { m: 3, bin: new Uint8Array([0xc1, 0xff]) }])
    })

    it('reads a json= query param whatever the body; msgpack= wins over a JSON body', async () => {
      const t = await ctx.target()
      await t.fetch(post(`/q?json=${encodeURIComponent('{"from":"query"}')}`, 'ignored', 'text/plain'))
      await t.fetch(
        post(
          `/q?msgpack=${[...encode({ from: 'msgpack' })].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`,
          '{"from":"body"}',
          json,
        ),
      )
      await t.fetch(post(`/q?json=${encodeURIComponent('{"from":"query"}')}`, '{"from":"body"}', json))
      expect(t.events().map((e) => e.record.from)).toEqual(['query', 'msgpack', 'body'])
    })

    it('accepts application/csp-report as JSON', async () => {
      const t = await ctx.target()
      await t.fetch(post('/csp', '{"csp-report":{"blocked-uri":"x"}}', 'application/csp-report'))
      expect(t.events().map((e) => e.record)).toEqual([{ 'csp-report': { 'blocked-uri': 'x' } }])
    })

    it('emits a large batch as one stream, in order', async () => {
      const t = await ctx.target()
      const batch = Array.from({ length: 5000 }, (_, i) => ({ i, msg: `event ${i}` }))
      expect((await t.fetch(post('/big', JSON.stringify(batch), json))).status).toBe(200)
      expect(t.events().map((e) => e.record.i)).toEqual(batch.map((b) => b.i))
    })
  })
}
