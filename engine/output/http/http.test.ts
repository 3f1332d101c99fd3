/**
 * @module engine/output/http: the body encoder (every record through a formatter: NDJSON, Fluentd's
 * JSON array, msgpack, CSV; `<inject>`; refused records handed back), the request headers (precedence, basic auth
 * as UTF-8) and the retry policy (outcomes, Retry-After, the in-request budget). The plugins'
 * suites (node-server/plugins/out_http, edge/test/http.test.ts) send these bodies to real servers.
 */

import { decodeMulti } from '@msgpack/msgpack'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { EventTime } from '../../event-time.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { contentTypeOf, encodeBody, JSON_LINES } from './body.ts'
import { createInjector, withInject } from '../../inject/injector.ts'
import { createLogger } from '../../log.ts'
import { formatterFrom } from '../../../test/helpers/formatters.ts'
import { basicAuthorization, requestHeaders } from './request.ts'
import { DEFAULT_RETRYABLE_CODES, responseOutcome, retryAfterMs, retryDelay } from './retry.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const time = new EventTime(1441588984, 250_000_000)
const stream = streamFromEvents('web.click', [
  { time, record: { a: 1, s: 'é' } },
  { time, record: {} },
])
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('encodeBody', () => {
  const json = formatterFrom({ '@type': 'json' })

  it('writes each record with the formatter: NDJSON, Fluentd’s JSON array, msgpack', () => {
    expect(text(encodeBody(core, stream.tag, stream.entries, json, false).bytes)).toBe('{"a":1,"s":"é"}\n{}\n')
    // Fluentd: each record + ",", the last byte cut, in brackets.
    expect(text(encodeBody(core, stream.tag, stream.entries, json, true).bytes)).toBe('[{"a":1,"s":"é"}\n,{}\n]')
    const msgpack = encodeBody(core, stream.tag, stream.entries, formatterFrom({ '@type': 'msgpack' }), false).bytes
    expect([...decodeMulti(msgpack)]).toEqual([{ a: 1, s: 'é' }, {}])
    expect(text(encodeBody(core, stream.tag, stream.entries, formatterFrom({ '@type': 'csv', fields: 'a,s' }), false).bytes)).toBe(
      '"1","é"\n"",""\n',
    )
    const empty = streamFromEvents('t', [])
    expect(text(encodeBody(core, 't', empty.entries, json, false).bytes)).toBe('')
    expect(text(encodeBody(core, 't', empty.entries, json, true).bytes)).toBe('[]')
  })

  it('injects the keys before formatting (engine/inject), the edge’s JSON_LINES included', () => {
    const inject = createInjector(
      {
        hostname_key: null,
        hostname: null,
        worker_id_key: null,
        tag_key: 'tag',
        time_key: 'ts',
        time_type: 'unixtime',
        time_format: null,
        localtime: true,
        utc: false,
        timezone: null,
      },
      { hostname: 'h', log: createLogger(() => {}, 'error') },
    )
    expect(text(encodeBody(core, stream.tag, stream.entries, withInject(JSON_LINES, inject), true).bytes)).toBe(
      '[{"a":1,"s":"é","tag":"web.click","ts":1441588984}\n,{"tag":"web.click","ts":1441588984}\n]',
    )
  })

  it('leaves out the records the formatter refuses and hands them back', () => {
    const bad = streamFromEvents('t', [
      { time, record: { x: Number.NaN } },
      { time, record: { ok: 1 } },
    ])
    const body = encodeBody(core, 't', bad.entries, json, false)
    expect(text(body.bytes)).toBe('{"ok":1}\n')
    expect(body.failures?.stream.count).toBe(1)
  })

  it('refuses bytes that are not an entries stream', () => {
    expect(() => encodeBody(core, 'bad', Uint8Array.of(0x92, 0xc1), json, false)).toThrow(
      'the events of bad are not a valid entries stream',
    )
  })

  it('names the Content-Type of each formatter as Fluentd does', () => {
    expect(
      [
        ['json', false],
        ['json', true],
        ['msgpack', false],
        ['csv', false],
        ['ltsv', false],
        ['hash', false],
      ].map(([f, a]) => contentTypeOf(f as string, a as boolean)),
    ).toEqual(['application/x-ndjson', 'application/json', 'application/x-msgpack', 'text/csv', 'text/tab-separated-values', 'text/plain'])
    expect(() => contentTypeOf('xml', false)).toThrow(
      "can't determine Content-Type from formatter type. Set content_type parameter explicitly",
    )
  })
})

describe('requestHeaders', () => {
  it('sets Content-Encoding, Content-Type and Authorization after the configured headers', () => {
    const headers = requestHeaders({
      headers: { 'X-Source': 'edge', 'Content-Type': 'text/plain', Authorization: 'Bearer x' },
      contentType: 'application/json',
      gzip: true,
      authorization: basicAuthorization('u', 'p'),
    })
    expect(headers).toEqual({
      'X-Source': 'edge',
      'Content-Type': 'application/json',
      Authorization: `Basic ${btoa('u:p')}`,
      'Content-Encoding': 'gzip',
    })
    expect(requestHeaders({ headers: {}, contentType: 'a/b', gzip: false, authorization: null })).toEqual({ 'Content-Type': 'a/b' })
  })

  it('encodes basic auth as UTF-8', () => {
    expect(basicAuthorization('ü', 'p€')).toBe(`Basic ${Buffer.from('ü:p€').toString('base64')}`)
  })
})

describe('the retry policy', () => {
  it('retries 429 and the 5xx of overloaded servers by default, fails other answers', () => {
    expect(DEFAULT_RETRYABLE_CODES).toEqual([429, 500, 502, 503, 504])
    expect([200, 204, 299].map((s) => responseOutcome(s, DEFAULT_RETRYABLE_CODES))).toEqual(['ok', 'ok', 'ok'])
    expect([429, 500, 502, 503, 504].map((s) => responseOutcome(s, DEFAULT_RETRYABLE_CODES))).toEqual(Array(5).fill('retry'))
    expect([301, 400, 404, 501, 505].map((s) => responseOutcome(s, new Set(DEFAULT_RETRYABLE_CODES)))).toEqual(Array(5).fill('fail'))
    expect(responseOutcome(503, [418])).toBe('fail')
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2015-09-07T01:23:04Z')
    expect(retryAfterMs(null, now)).toBeNull()
    expect(retryAfterMs('0', now)).toBe(0)
    expect(retryAfterMs('1.5', now)).toBe(1500)
    expect(retryAfterMs('Mon, 07 Sep 2015 01:23:10 GMT', now)).toBe(6000)
    expect(retryAfterMs('Mon, 07 Sep 2015 01:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs('soon', now)).toBeNull()
  })

  it('waits retry_wait or the Retry-After within retry_max_times and retry_timeout', () => {
    const budget = { retryMaxTimes: 2, retryTimeoutMs: 10_000 }
    expect(retryDelay(budget, 0, 0, 250, null)).toBe(250)
    expect(retryDelay(budget, 1, 300, 500, 2000)).toBe(2000)
    expect(retryDelay(budget, 2, 300, 1000, null)).toBeNull()
    expect(retryDelay(budget, 0, 0, 250, 60_000)).toBeNull()
    expect(retryDelay(budget, 0, 9_800, 250, null)).toBeNull()
  })
})
