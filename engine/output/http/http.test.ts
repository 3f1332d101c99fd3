/**
 * @module engine/output/http: the body encoder (NDJSON, JSON array, msgpack, `<inject>`, with the
 * engine's JSON writer and with a writer passed in), the request headers (precedence, basic auth
 * as UTF-8) and the retry policy (outcomes, Retry-After, the in-request budget). The plugins'
 * suites (node-server/plugins/out_http, edge/test/http.test.ts) send these bodies to real servers.
 */

import { decodeMulti } from '@msgpack/msgpack'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { EventTime } from '../../event-time.ts'
import { streamFromEvents } from '../../event-stream.ts'
import { defaultContentType, encodeBody, type RecordJsonWriter } from './body.ts'
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
  it('writes NDJSON, a JSON array, or the records as msgpack', () => {
    expect(text(encodeBody(core, stream.tag, stream.entries, { format: 'ndjson', inject: null }))).toBe('{"a":1,"s":"é"}\n{}\n')
    expect(text(encodeBody(core, stream.tag, stream.entries, { format: 'json_array', inject: null }))).toBe('[{"a":1,"s":"é"},{}]')
    const msgpack = encodeBody(core, stream.tag, stream.entries, { format: 'msgpack', inject: null })
    expect([...decodeMulti(msgpack)]).toEqual([{ a: 1, s: 'é' }, {}])
    const empty = streamFromEvents('t', [])
    expect(text(encodeBody(core, 't', empty.entries, { format: 'ndjson', inject: null }))).toBe('')
    expect(text(encodeBody(core, 't', empty.entries, { format: 'json_array', inject: null }))).toBe('[]')
  })

  it('injects the tag and the time after the fields of each record', () => {
    const body = (timeType: 'float' | 'unixtime' | 'string', tagKey: string | null = 'tag') =>
      text(encodeBody(core, stream.tag, stream.entries, { format: 'json_array', inject: { tagKey, timeKey: 'ts', timeType } }))
    expect(JSON.parse(body('string'))).toEqual([
      { a: 1, s: 'é', tag: 'web.click', ts: '2015-09-07T01:23:04.250Z' },
      { tag: 'web.click', ts: '2015-09-07T01:23:04.250Z' },
    ])
    expect(body('unixtime', null)).toBe('[{"a":1,"s":"é","ts":1441588984},{"ts":1441588984}]')
    expect(body('float', null)).toBe('[{"a":1,"s":"é","ts":1441588984.250000000},{"ts":1441588984.250000000}]')
  })

  it('takes the JSON of each record from the writer it is given', () => {
    const seen: number[] = []
    const writer: RecordJsonWriter = (out, _bytes, start, end) => {
      seen.push(end - start)
      out.ascii('{"x":true}')
    }
    expect(text(encodeBody(core, 't', stream.entries, { format: 'ndjson', inject: null }, writer))).toBe('{"x":true}\n{"x":true}\n')
    expect(seen).toEqual([9, 1]) // the msgpack bytes of {a:1, s:"é"} and of {}
  })

  it('refuses bytes that are not an entries stream', () => {
    expect(() => encodeBody(core, 'bad', Uint8Array.of(0x92, 0xc1), { format: 'ndjson', inject: null })).toThrow(
      'the events of bad are not a valid entries stream',
    )
  })

  it('names the Content-Type of each format', () => {
    expect([defaultContentType('ndjson'), defaultContentType('json_array'), defaultContentType('msgpack')]).toEqual([
      'application/x-ndjson',
      'application/json',
      'application/x-msgpack',
    ])
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
