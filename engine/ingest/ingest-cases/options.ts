/**
 * @module Ingest suite, params: tags from paths and add_tag_prefix, keep_time_key / time_key,
 * add_http_headers, add_query_params, add_remote_addr (first X-Forwarded-For wins),
 * use_204_response and respond_with_empty_img.
 */

import { describe, expect, it } from 'vitest'
import { EMPTY_GIF } from '../responses.ts'
import { post, type SuiteContext } from './support.ts'

const json = 'application/json'

export function optionCases(ctx: SuiteContext): void {
  describe('params', () => {
    it('joins path segments with dots (trailing slash ignored) and applies add_tag_prefix', async () => {
      const t = await ctx.target()
      await t.fetch(post('/a/b/c/', '{}', json))
      await t.fetch(post('/single.dotted', '{}', json))
      const p = await ctx.target({ add_tag_prefix: 'http' })
      await p.fetch(post('/a/b', '{}', json))
      expect([...t.events(), ...p.events()].map((e) => e.tag)).toEqual(['a.b.c', 'single.dotted', 'http.a.b'])
    })

    it('answers 400 for POST / (no tag)', async () => {
      const t = await ctx.target()
      const res = await t.fetch(post('/', '{}', json))
      expect(res.status).toBe(400)
      expect(await res.text()).toContain('the tag is the request path')
    })

    it('keep_time_key keeps the field; time_key picks another one', async () => {
      const keep = await ctx.target({ keep_time_key: true })
      await keep.fetch(post('/t', '{"time":1441588984,"a":1}', json))
      expect(keep.events()[0]).toMatchObject({ time: { sec: 1441588984, nsec: 0 }, record: { time: 1441588984, a: 1 } })
      const other = await ctx.target({ time_key: 'ts' })
      await other.fetch(post('/t', '{"ts":1441588985,"time":"kept"}', json))
      expect(other.events()[0]).toMatchObject({ time: { sec: 1441588985 }, record: { time: 'kept' } })
    })

    it('add_http_headers adds every header as HTTP_<NAME>', async () => {
      const t = await ctx.target({ add_http_headers: true })
      await t.fetch(post('/h', '{"a":1}', json, { 'x-custom-header': 'v1', 'user-agent': 'curl/8' }))
      const record = t.events()[0].record
      expect(record).toMatchObject({ a: 1, HTTP_X_CUSTOM_HEADER: 'v1', HTTP_USER_AGENT: 'curl/8', HTTP_CONTENT_TYPE: json })
      const plain = await ctx.target()
      await plain.fetch(post('/h', '{"a":1}', json, { 'x-custom-header': 'v1' }))
      expect(plain.events()[0].record).toEqual({ a: 1 })
    })

    it('add_query_params adds every query param as QUERY_<NAME>', async () => {
      const t = await ctx.target({ add_query_params: true })
      await t.fetch(post('/q?foo=bar&the-key=a%20b', '{"a":1}', json))
      expect(t.events()[0].record).toEqual({ a: 1, QUERY_FOO: 'bar', QUERY_THE_KEY: 'a b' })
    })

    it('add_remote_addr: the first X-Forwarded-For address wins, else the peer address', async () => {
      const t = await ctx.target({ add_remote_addr: true })
      await t.fetch(post('/r', '{"a":1}', json, { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }))
      await t.fetch(post('/r', '{"a":2}', json))
      const [forwarded, direct] = t.events().map((e) => e.record.REMOTE_ADDR)
      expect(forwarded).toBe('203.0.113.7')
      if (t.peerAddress === null) expect(direct).toBeNull()
      else expect(direct).toMatch(t.peerAddress)
    })

    it('use_204_response answers 204 without a body', async () => {
      const t = await ctx.target({ use_204_response: true })
      const res = await t.fetch(post('/x', '{"a":1}', json))
      expect(res.status).toBe(204)
      expect(await res.text()).toBe('')
      expect(t.events()).toHaveLength(1)
    })

    it('respond_with_empty_img answers the 1x1 GIF, also when nothing was emitted', async () => {
      const t = await ctx.target({ respond_with_empty_img: true })
      for (const body of ['{"a":1}', 'not json']) {
        const res = await t.fetch(post('/pixel', body, json))
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toBe('image/gif; charset=utf-8')
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(EMPTY_GIF)
      }
      expect(t.events()).toHaveLength(1)
    })
  })
}
