/**
 * @module Ingest suite, HTTP behaviour: GET/HEAD health checks, the CORS preflight and origin
 * checks, body_size_limit (413, with and without Content-Length), gzip/deflate bodies and the
 * decompression cap, and emit failures (500; 503 + Retry-After for backpressure).
 */

import { describe, expect, it } from 'vitest'
import { compress, post, URL_BASE, type SuiteContext } from './support.ts'

const json = 'application/json'

function streamed(path: string, chunks: Uint8Array[], contentType = json): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c)
      controller.close()
    },
  })
  return new Request(URL_BASE + path, { method: 'POST', body, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit)
}

const preflightRequest = (origin: string | null, method = 'POST', headers = 'content-type') =>
  new Request(URL_BASE + '/app', {
    method: 'OPTIONS',
    headers: { ...(origin === null ? {} : { origin }), 'access-control-request-method': method, 'access-control-request-headers': headers },
  })

export function httpCases(ctx: SuiteContext): void {
  describe('HTTP', () => {
    it('answers GET and HEAD with 200 and emits nothing (health check)', async () => {
      const t = await ctx.target()
      const get = await t.fetch(new Request(URL_BASE + '/app?json=%7B%22a%22%3A1%7D'))
      expect(get.status).toBe(200)
      expect(await get.text()).toBe('')
      expect((await t.fetch(new Request(URL_BASE + '/', { method: 'HEAD' }))).status).toBe(200)
      expect(t.events()).toEqual([])
    })

    it('refuses a preflight without cors_allow_origins or for another method; answers allowed ones', async () => {
      const none = await ctx.target()
      const refused = await none.fetch(preflightRequest('https://a.example'))
      // Fluentd's answer: 403 with an empty body (the edge answer style says why, in JSON).
      expect(refused.status).toBe(403)
      expect(await refused.text()).toBe('')
      const t = await ctx.target({ cors_allow_origins: ['https://a.example', 'https://*.b.example'], cors_allow_credentials: true })
      const ok = await t.fetch(preflightRequest('https://a.example', 'POST', 'content-type, x-token'))
      expect(ok.status).toBe(200)
      expect(Object.fromEntries([...ok.headers].filter(([k]) => k.startsWith('access-control-')))).toEqual({
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, x-token',
        'access-control-allow-origin': 'https://a.example',
        'access-control-allow-credentials': 'true',
      })
      expect((await t.fetch(preflightRequest('https://x.b.example'))).headers.get('access-control-allow-origin')).toBe(
        'https://x.b.example',
      )
      expect((await t.fetch(preflightRequest('https://a.example', 'PUT'))).status).toBe(403)
      expect((await t.fetch(preflightRequest('https://evil.example'))).status).toBe(403)
      const star = await ctx.target({ cors_allow_origins: ['*'] })
      expect((await star.fetch(preflightRequest('https://any.example'))).headers.get('access-control-allow-origin')).toBe('*')
    })

    it('checks the Origin of posts: 403 when not allowed, allowed ones get Access-Control-Allow-Origin, none is fine', async () => {
      const t = await ctx.target({ cors_allow_origins: ['https://a.example', 'https://*.b.example'] })
      const denied = await t.fetch(post('/app', '{"n":0}', json, { origin: 'https://evil.example' }))
      expect(denied.status).toBe(403)
      const exact = await t.fetch(post('/app', '{"n":1}', json, { origin: 'https://a.example' }))
      expect(exact.headers.get('access-control-allow-origin')).toBe('https://a.example')
      const pattern = await t.fetch(post('/app', '{"n":2}', json, { origin: 'https://deep.sub.b.example' }))
      expect(pattern.headers.get('access-control-allow-origin')).toBe('https://deep.sub.b.example')
      const tricky = await t.fetch(post('/app', '{"n":0}', json, { origin: 'https://b.example.evil' }))
      expect(tricky.status).toBe(403)
      const noOrigin = await t.fetch(post('/app', '{"n":3}', json))
      expect(noOrigin.status).toBe(200)
      expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull()
      expect(t.events().map((e) => e.record.n)).toEqual([1, 2, 3])
      const star = await ctx.target({ cors_allow_origins: ['*'] })
      expect((await star.fetch(post('/app', '{}', json, { origin: 'https://x.example' }))).headers.get('access-control-allow-origin')).toBe(
        '*',
      )
    })

    it('answers 413 past body_size_limit, with a Content-Length and when streamed', async () => {
      const t = await ctx.target({ body_size_limit: 1024 })
      const big = JSON.stringify({ pad: 'x'.repeat(2000) })
      const res = await t.fetch(post('/big', big, json))
      expect(res.status).toBe(413)
      const chunk = new TextEncoder().encode('x'.repeat(400))
      expect((await t.fetch(streamed('/big', [chunk, chunk, chunk]))).status).toBe(413)
      const small = new TextEncoder().encode('{"a":1}')
      expect((await t.fetch(streamed('/small', [small.subarray(0, 3), small.subarray(3)]))).status).toBe(200)
      expect(t.events().map((e) => e.record)).toEqual([{ a: 1 }])
    })

    it('inflates gzip (several members), zlib deflate and raw deflate bodies', async () => {
      const t = await ctx.target()
      const gz = await compress('[{"n":1},{"n":2}]', 'gzip')
      await t.fetch(post('/z', gz, json, { 'content-encoding': 'gzip' }))
      const members = new Uint8Array([...(await compress('{"n":3}\n', 'gzip')), ...(await compress('{"n":4}\n', 'gzip'))])
      await t.fetch(post('/z', members, 'application/x-ndjson', { 'content-encoding': 'gzip' }))
      await t.fetch(post('/z', await compress('{"n":5}', 'deflate'), json, { 'content-encoding': 'deflate' }))
      await t.fetch(post('/z', await compress('{"n":6}', 'deflate-raw'), json, { 'content-encoding': 'deflate' }))
      expect(t.events().map((e) => e.record.n)).toEqual([1, 2, 3, 4, 5, 6])
    })

    it('answers 400 for a corrupt or over-large compressed body and an unknown encoding', async () => {
      const t = await ctx.target({ decompression_size_limit: 4096, body_size_limit: 4096 })
      const bomb = await compress(JSON.stringify({ pad: 'a'.repeat(100_000) }), 'gzip')
      expect(bomb.length).toBeLessThan(4096)
      const res = await t.fetch(post('/z', bomb, json, { 'content-encoding': 'gzip' }))
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('decompression_size_limit')
      const corrupt = await t.fetch(post('/z', new TextEncoder().encode('not gzip at all'), json, { 'content-encoding': 'gzip' }))
      expect(corrupt.status).toBe(400)
      const gz = await compress('{"n":1}', 'gzip')
      expect((await t.fetch(post('/z', gz.subarray(0, gz.length - 6), json, { 'content-encoding': 'gzip' }))).status).toBe(400)
      const br = await t.fetch(post('/z', '{"n":1}', json, { 'content-encoding': 'br' }))
      expect(br.status).toBe(400)
      expect(await br.text()).toContain('unsupported Content-Encoding: br')
      expect(t.events()).toEqual([])
    })

    it('answers 500 with the error when the emit fails, and accepts again afterwards', async () => {
      const t = await ctx.target()
      t.failEmits(new Error('output is broken'))
      const res = await t.fetch(post('/e', '{"a":1}', json))
      expect(res.status).toBe(500)
      expect(await res.text()).toBe('500 Internal Server Error\noutput is broken\n')
      t.failEmits(null)
      expect((await t.fetch(post('/e', '{"a":2}', json))).status).toBe(200)
      expect(t.events().map((e) => e.record.a)).toEqual([2])
    })

    it('answers 503 with Retry-After when the emit fails for backpressure (buffer overflow)', async () => {
      const t = await ctx.target()
      const overflow = new Error('buffer space has too many data')
      overflow.name = 'BufferOverflowError'
      t.failEmits(overflow)
      const res = await t.fetch(post('/e', '[{"a":1},{"a":2}]', json))
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('1')
      expect(await res.text()).toBe('503 Service Unavailable\nbuffer space has too many data\n')
      expect(t.events()).toEqual([])
    })

    it('treats PUT like POST (Fluentd reads events from any method but GET and OPTIONS)', async () => {
      const t = await ctx.target()
      await t.fetch(new Request(URL_BASE + '/put', { method: 'PUT', body: '{"a":1}', headers: { 'content-type': json } }))
      expect(t.events().map((e) => e.tag)).toEqual(['put'])
    })
  })
}
