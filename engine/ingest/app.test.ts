/**
 * @module The ingest suite on `app.request` (no server), plus unit tables for the pieces: form
 * and multipart parsing to bytes, CORS origin patterns, tags from paths, option checks, and which
 * requests `Ingest.direct` takes.
 */

import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { EventStream } from '../event-stream.ts'
import { createLogger } from '../log.ts'
import type { ParserPlugin } from '../parser/types.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { createIngest, tagFromPath } from './app.ts'
import { originAllowed } from './cors.ts'
import { multipartBoundary, parseMultipart, parseUrlEncoded } from './form.ts'
import { runIngestSuite } from './ingest.cases.ts'
import { optionsFromParams } from './ingest-cases/params.ts'
import { resolveIngestOptions } from './options.ts'
import { appRequestTarget } from './ingest-cases/app-target.ts'

runIngestSuite('app.request', async (params, now) => appRequestTarget(await loadCore(), { ...optionsFromParams(params), now }))

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b))

describe('form parsing', () => {
  it('decodes urlencoded pairs to bytes: + and %XX, bad escapes kept, last duplicate wins, empty values', () => {
    const p = parseUrlEncoded('a=1&b=x+y%21&bad=%zz%4&a=2&flag&=v&&bin=%ff%00')
    expect(text(p.get('a'))).toBe('2')
    expect(text(p.get('b'))).toBe('x y!')
    expect(text(p.get('bad'))).toBe('%zz%4')
    expect(text(p.get('flag'))).toBe('')
    expect(text(p.get(''))).toBe('v')
    expect(p.get('bin')).toEqual(new Uint8Array([0xff, 0x00]))
  })

  it('splits multipart bodies (CRLF or LF, quoted boundary, binary parts)', () => {
    const body = new Uint8Array([
      ...bytes('preamble\r\n--XyZ\r\nContent-Disposition: form-data; name="json"\r\n\r\n{"a":1}\r\n'),
      ...bytes(
        '--XyZ\r\nContent-Disposition: form-data; name="msgpack"; filename="m.bin"\r\nContent-Type: application/octet-stream\r\n\r\n',
      ),
      0x81,
      0xa1,
      0x62,
      0x0d,
      0x0a,
      0xc3,
      ...bytes('\r\n--XyZ--\r\n'),
    ])
    expect(multipartBoundary('multipart/form-data; boundary="XyZ"')).toBe('XyZ')
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary=XyZ')).toBe('XyZ')
    const p = parseMultipart(body, 'XyZ')
    expect(text(p.get('json'))).toBe('{"a":1}')
    expect(p.get('msgpack')).toEqual(new Uint8Array([0x81, 0xa1, 0x62, 0x0d, 0x0a, 0xc3]))
    expect(text(parseMultipart(bytes('--b\nContent-Disposition: form-data; name=x\n\nv\n--b--'), 'b').get('x'))).toBe('v')
    expect(() => parseMultipart(bytes('no boundary here'), 'b')).toThrow('without its boundary')
    expect(() => parseMultipart(bytes('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nv'), 'b')).toThrow('not terminated')
  })
})

describe('CORS origins', () => {
  it.each([
    ['https://a.example', ['https://a.example'], true],
    ['https://b.example', ['https://a.example'], false],
    ['anything', ['*'], true],
    ['https://x.b.example', ['https://*.b.example'], true],
    ['https://b.example', ['https://*.b.example'], false],
    ['http://x.b.example', ['https://*.b.example'], false],
    ['https://b.example.evil', ['https://*.b.example'], false],
    ['https://a.example:8443', ['https://a.example:*'], true],
    ['x', ['', 'y'], false],
  ] as const)('%s vs %j → %s', (origin, allowed, expected) => {
    expect(originAllowed(origin, allowed)).toBe(expected)
  })
})

describe('tags and options', () => {
  it.each([
    ['/a/b', null, 'a.b'],
    ['/a/b/', null, 'a.b'],
    ['/a', 'p', 'p.a'],
    ['/a//b', null, 'a..b'],
    ['/', null, null],
    ['/a%2Eb', null, 'a%2Eb'],
  ] as const)('%s (prefix %s) → %s', (path, prefix, tag) => {
    expect(tagFromPath(path, prefix)).toBe(tag)
  })

  it('refuses cors_allow_credentials without explicit origins, and an empty add_tag_prefix', () => {
    const emit = () => {}
    expect(() => resolveIngestOptions({ emit, corsAllowCredentials: true })).toThrow(
      'Cannot enable cors_allow_credentials without specific origins',
    )
    expect(() => resolveIngestOptions({ emit, corsAllowCredentials: true, corsAllowOrigins: ['*'] })).toThrow('without specific origins')
    expect(() => resolveIngestOptions({ emit, addTagPrefix: '' })).toThrow("'add_tag_prefix' parameter must not be empty")
    expect(() => optionsFromParams({ parse: 'x' })).toThrow()
  })
})

describe('Ingest.direct (a front app hands plain POSTs straight to the handler)', () => {
  it('takes a POST with a Content-Length within body_size_limit and no Origin to judge; leaves the rest to the app', async () => {
    const emitted: EventStream[] = []
    const ingest = createIngest({
      core: await loadCore(),
      emit: (stream) => {
        emitted.push(stream)
      },
      bodySizeLimit: 64,
      corsAllowOrigins: ['https://a.example'],
      responses: 'edge',
      addRemoteAddr: true,
      remoteAddr: (c) => c.req.header('x-peer'),
    })
    const routes: string[] = []
    const front = new Hono()
    front.all('*', (c) => {
      const direct = ingest.direct(c, c.req.raw)
      routes.push(direct === null ? 'app' : 'direct')
      return direct ?? ingest.app.fetch(c.req.raw)
    })
    const send = (init: RequestInit & { headers?: Record<string, string> }, path = '/app/web') => front.request(path, init)
    const body = '[{"a":1},{"a":2}]'
    const json = { 'content-type': 'application/json' }
    const length = { 'content-length': String(body.length) }

    const direct = await send({ method: 'POST', body, headers: { ...json, ...length, 'x-peer': '192.0.2.7' } })
    expect([direct.status, await direct.json()]).toEqual([202, { accepted: 2, rejected: [], rejected_count: 0 }])
    expect(emitted.at(-1)?.tag).toBe('app.web')
    expect(emitted.at(-1)?.count).toBe(2)
    expect(new TextDecoder().decode(emitted.at(-1)!.entries)).toContain('192.0.2.7') // REMOTE_ADDR from the front app's context
    expect((await send({ method: 'PUT', body, headers: { ...json, ...length } }, '/app/web?x=1')).status).toBe(202)
    expect(routes).toEqual(['direct', 'direct'])

    routes.length = 0
    expect((await send({ method: 'POST', body, headers: json })).status).toBe(202) // no Content-Length: counted as a stream
    const big = '[' + '{"a":1},'.repeat(10) + '{"a":1}]'
    expect((await send({ method: 'POST', body: big, headers: { ...json, 'content-length': String(big.length) } })).status).toBe(413)
    expect((await send({ method: 'POST', body, headers: { ...json, ...length, origin: 'https://evil.example' } })).status).toBe(403)
    expect((await send({ method: 'POST', body, headers: { ...json, ...length, origin: 'https://a.example' } })).status).toBe(202)
    expect((await send({ method: 'POST', body, headers: { ...json, 'content-length': '1e3' } })).status).toBe(202)
    expect((await send({ method: 'GET' })).status).toBe(200)
    const preflight = await send({ method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } })
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([200, 'https://a.example'])
    expect(routes).toEqual(['app', 'app', 'app', 'app', 'app', 'app', 'app'])
  })

  it('answers 500 (logged) when the handler throws, as the app does', async () => {
    const errors: string[] = []
    const ingest = createIngest({
      core: await loadCore(),
      emit: () => {},
      responses: 'edge',
      log: createLogger((record) => errors.push(JSON.stringify(record)), 'error'),
      parser: {
        parse: () => {
          throw new Error('parser bug')
        },
      } as unknown as ParserPlugin,
    })
    const front = new Hono()
    front.all('*', (c) => ingest.direct(c, c.req.raw) ?? new Response('not direct', { status: 599 }))
    const res = await front.request('/app', { method: 'POST', body: 'x', headers: { 'content-length': '1' } })
    expect(res.status).toBe(500)
    expect((await res.json()).error).toContain('parser bug')
    expect(errors.join('\n')).toContain('unexpected error in in_http')
  })
})
