/**
 * @module in_http's fast path (fast-path.ts) against the Hono app it bypasses: which requests take
 * it, and — over real sockets — that a request sent with Content-Length (fast path) and the same
 * request sent chunked (the app) get the same status, headers, body and events, for accepted,
 * refused and decorated requests.
 */

import { connect } from 'node:net'
import type { IncomingMessage } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { encode } from '@msgpack/msgpack'
import { createIngest } from '../../../engine/ingest/app.ts'
import { startAgent, type TestAgent } from '../../../test/helpers/agent.ts'
import { captures } from '../../../test/helpers/capture-output.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { takesFastPath } from './fast-path.ts'
import { inHttp, type InHttpPlugin } from './index.ts'

describe('which requests take the fast path', () => {
  it('plain POSTs with a Content-Length within the limit; everything else goes to the app', async () => {
    const core = await loadCore()
    const ingest = createIngest({ core, emit: () => {}, bodySizeLimit: 1000, corsAllowOrigins: ['https://a.example'] })
    const plain = createIngest({ core, emit: () => {} })
    const req = (method: string, url: string, headers: Record<string, string>) => ({ method, url, headers }) as unknown as IncomingMessage
    const cl = { 'content-length': '10' }
    expect(takesFastPath(req('POST', '/a/b?x=1&y=%20', cl), ingest)).toBe(true)
    expect(takesFastPath(req('PUT', '/a', cl), ingest)).toBe(true)
    expect(takesFastPath(req('GET', '/a', cl), ingest)).toBe(false)
    expect(takesFastPath(req('HEAD', '/a', cl), ingest)).toBe(false)
    expect(takesFastPath(req('OPTIONS', '/a', cl), ingest)).toBe(false)
    expect(takesFastPath(req('POST', '/a', {}), ingest)).toBe(false) // chunked: the app counts it
    expect(takesFastPath(req('POST', '/a', { 'content-length': '1001' }), ingest)).toBe(false) // 413 from the app
    expect(takesFastPath(req('POST', '/a', { ...cl, origin: 'https://a.example' }), ingest)).toBe(false) // the CORS guard
    expect(takesFastPath(req('POST', '/a', { ...cl, origin: 'https://a.example' }), plain)).toBe(true) // no CORS configured
    expect(takesFastPath(req('POST', '/a/../b', cl), ingest)).toBe(false)
    expect(takesFastPath(req('POST', '/a/%2E%2e/b', cl), ingest)).toBe(false)
    expect(takesFastPath(req('POST', '/a/"b"', cl), ingest)).toBe(false)
    expect(takesFastPath(req('POST', 'http://host/a', cl), ingest)).toBe(false)
  })
})

let running: TestAgent | null = null
afterEach(async () => {
  await running?.stop()
  running = null
})

/** Sends a raw HTTP/1.1 request (Connection: close) and returns the answer as text. */
function raw(port: number, text: string | Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    socket.on('data', (d) => {
      data += d.toString('latin1')
    })
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
    socket.write(text)
  })
}

/** The answer without the headers that legitimately differ (Date, framing, connection). */
function normalize(answer: string): { status: string; headers: string[]; body: string } {
  const [head, ...rest] = answer.split('\r\n\r\n')
  let body = rest.join('\r\n\r\n')
  const lines = head.split('\r\n')
  const chunked = lines.some((l) => /^transfer-encoding: chunked$/i.test(l))
  if (chunked) body = body.replace(/^[0-9a-f]+\r\n([\s\S]*?)\r\n0\r\n\r\n$/i, '$1').replace(/^0\r\n\r\n$/, '')
  const headers = lines
    .slice(1)
    .filter((l) => !/^(date|connection|keep-alive|content-length|transfer-encoding):/i.test(l))
    .map((l) => l.toLowerCase())
    .sort()
  return { status: lines[0], headers, body }
}

function requests(path: string, contentType: string, body: Uint8Array, extra = ''): { fast: Uint8Array; viaApp: Uint8Array } {
  const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nX-Custom: v1\r\nX-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n${extra}`
  const enc = new TextEncoder()
  const fast = new Uint8Array([...enc.encode(`${head}Content-Length: ${body.length}\r\n\r\n`), ...body])
  const chunk = body.length > 0 ? [...enc.encode(`${body.length.toString(16)}\r\n`), ...body, ...enc.encode('\r\n')] : []
  const viaApp = new Uint8Array([...enc.encode(`${head}Transfer-Encoding: chunked\r\n\r\n`), ...chunk, ...enc.encode('0\r\n\r\n')])
  return { fast, viaApp }
}

async function start(params: string) {
  running = await startAgent(
    `<source>\n@type http\n@id fp\nbind 127.0.0.1\nport 0\n${params}\n</source>\n<match **>\n@type capture\n@id fpout\n</match>`,
    [inHttp],
    { now: () => 1_700_000_000_123 },
  )
  return (running.agent.plugins.find((p) => p.id === 'fp')!.plugin as InHttpPlugin).address().port
}

/** The events without the one field that differs by construction (the framing header, with add_http_headers). */
function comparable(events: { record: Record<string, unknown> }[]): unknown[] {
  return events.map((e) => {
    const { HTTP_CONTENT_LENGTH, HTTP_TRANSFER_ENCODING, ...record } = e.record
    void HTTP_CONTENT_LENGTH
    void HTTP_TRANSFER_ENCODING
    return { ...e, record }
  })
}

describe('the fast path answers as the app does', () => {
  const enc = (s: string) => new TextEncoder().encode(s)
  const cases: [string, string, string, Uint8Array][] = [
    ['a JSON array', '/app/web?foo=bar', 'application/json', enc('[{"a":1,"time":1441588984.5},{"b":"x"},3]')],
    ['NDJSON with a bad line', '/nd', 'application/x-ndjson', enc('{"n":1}\n{bad\n{"n":2}\n')],
    ['invalid JSON (200, nothing)', '/bad', 'application/json', enc('not json')],
    ['a bad record time (400)', '/t', 'application/json', enc('[{"a":1},{"time":"yesterday"}]')],
    ['a time param', '/t?time=1441588984.25', 'application/json', enc('{"time":5,"a":1}')],
    ['msgpack', '/mp', 'application/msgpack', new Uint8Array([...encode({ m: 1 }), ...encode([{ m: 2 }, 'x'])])],
    ['undecodable msgpack (400)', '/mp', 'application/msgpack', new Uint8Array([0x81, 0xa1, 0x61, 0xc1])],
    ['a form', '/f', 'application/x-www-form-urlencoded', enc(`json=${encodeURIComponent('{"f":1}')}`)],
    ['no payload param (400)', '/p', 'text/plain', enc('hello')],
    ['the root path (400)', '/', 'application/json', enc('{}')],
  ]
  for (const params of [
    '',
    'add_http_headers true\nadd_query_params true\nadd_remote_addr true',
    'use_204_response true',
    'respond_with_empty_img true',
  ]) {
    it.each(cases)(`%s${params === '' ? '' : ` (${params.split('\n')[0]} …)`}`, async (_name, path, type, body) => {
      const port = await start(params)
      const { fast, viaApp } = requests(path, type, body)
      const a = normalize(await raw(port, fast))
      const capture = captures.get('fpout')!
      const fastEvents = capture.events.splice(0)
      const b = normalize(await raw(port, viaApp))
      const appEvents = capture.events.splice(0)
      expect(a).toEqual(b)
      expect(comparable(fastEvents)).toEqual(comparable(appEvents))
      if (params === '' && path !== '/bad') expect(a.status).toMatch(/^HTTP\/1\.1 (200|400) /)
    })
  }
})
