/**
 * @module The edge HTTP output inside workerd against a Node HTTP sink (real fetch): NDJSON and
 * JSON-array bodies of the records, headers and basic auth, <inject>, gzip, bodies split by
 * chunk_limit_size, 429/5xx retried within the budget (Retry-After honoured), other answers failing
 * at once (500), and exhausted retries answered 503 + Retry-After.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { control, peers, runtime, platform, stopRuntimes, uniqueTag } from './support.ts'

afterEach(stopRuntimes)

interface SinkRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

const sinkUrl = (path: string) => `http://127.0.0.1:${peers.sink}/${path}`
const http = (path: string, params = '') =>
  `<match **>\n  @type http\n  endpoint ${sinkUrl(path)}\n  retry_wait 0.01\n${params}\n</match>\n`
const requests = (path: string) => control<SinkRequest[]>(`/sink?path=/${path}`)
const plan = (statuses: number[]) =>
  fetch(`http://127.0.0.1:${peers.control}/sink`, { method: 'POST', body: JSON.stringify(statuses) }).then((r) => r.text())

describe('http output', () => {
  it('POSTs the records as NDJSON (records only, exact integers) and answers 202 after the 2xx', async () => {
    const path = uniqueTag('nd')
    const t = await runtime(http(path))
    const res = await t.post('/app', '[{"a":1,"f":1.5},{"b":"x","big":9007199254740993}]')
    expect(res.status).toBe(202)
    const [req] = await requests(path)
    expect(req.method).toBe('POST')
    expect(req.headers['content-type']).toBe('application/x-ndjson')
    expect(req.body).toBe('{"a":1,"f":1.5}\n{"b":"x","big":9007199254740993}\n')
  })

  it('sends a JSON array with json_array, extra headers, basic auth, <inject> and gzip', async () => {
    const path = uniqueTag('arr')
    const t = await runtime(
      http(
        path,
        `  json_array true\n  compress gzip\n  http_method put\n  headers {"X-Source":"edge"}\n  <auth>\n    username u\n    password p\n  </auth>\n  <inject>\n    tag_key tag\n    time_key ts\n    time_type string\n  </inject>`,
      ),
    )
    expect((await t.post('/web/click?time=1441588984.25', '[{"a":1},{}]')).status).toBe(202)
    const [req] = await requests(path)
    expect(req.method).toBe('PUT')
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-source': 'edge',
      authorization: `Basic ${btoa('u:p')}`,
    })
    expect(JSON.parse(req.body)).toEqual([
      // Fluentd's inject: time_type string is ISO 8601 in local time (UTC on Workers), seconds only.
      { a: 1, tag: 'web.click', ts: '2015-09-07T01:23:04+00:00' },
      { tag: 'web.click', ts: '2015-09-07T01:23:04+00:00' },
    ])
  })

  it('splits a large request into bodies of chunk_limit_size', async () => {
    const path = uniqueTag('split')
    const t = await runtime(http(path, '  chunk_limit_size 2k'))
    const batch = Array.from({ length: 40 }, (_, i) => ({ i, pad: 'x'.repeat(100) }))
    expect((await t.post('/s', JSON.stringify(batch))).status).toBe(202)
    const reqs = await requests(path)
    expect(reqs.length).toBeGreaterThan(2)
    expect(
      reqs.flatMap((r) =>
        r.body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).i),
      ),
    ).toEqual(batch.map((b) => b.i))
  })

  it('retries 503 and 429 (Retry-After 0) within the budget', async () => {
    const path = uniqueTag('retry')
    const t = await runtime(http(path))
    await plan([503, 429])
    expect((await t.post('/r', '{"a":1}')).status).toBe(202)
    expect((await requests(path)).length).toBe(3)
    expect(t.logs.filter((l) => l.message === 'http output: retrying')).toHaveLength(2)
  })

  it('answers 503 + Retry-After after retry_max_times, and 500 at once for a 4xx', async () => {
    const path = uniqueTag('fail')
    const t = await runtime(http(path, '  retry_max_times 1'))
    await plan([502, 502])
    const res = await t.post('/f', '{"a":1}')
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: string }).error).toMatch(/answered 502: status 502 \(after 2 attempts\)/)
    await plan([400])
    const bad = await t.post('/f', '{"a":2}')
    expect(bad.status).toBe(500)
    expect((await requests(path)).length).toBe(3)
  })

  it('treats network errors as retryable, and stops when the next wait would pass retry_timeout', async () => {
    // (a platform fetch that fails as workerd's does for a refused connection: workerd logs real ones loudly)
    let tries = 0
    const unreachable = await runtime('<match **>\n  @type http\n  endpoint http://127.0.0.1:1/x\n  retry_wait 0.01\n</match>', {
      platform: platform({}, async () => {
        tries++
        throw new Error('Network connection lost.')
      }),
    })
    const lost = await unreachable.post('/n', '{}')
    expect(lost.status).toBe(503)
    expect(((await lost.json()) as { error: string }).error).toBe('http://127.0.0.1:1/x: Network connection lost. (after 3 attempts)')
    expect(tries).toBe(3)
    let calls = 0
    const slow = await runtime('<match **>\n  @type http\n  endpoint https://logs.example/x\n  retry_timeout 5\n</match>', {
      platform: platform({}, async () => {
        calls++
        return new Response('busy', { status: 503, headers: { 'retry-after': '60' } })
      }),
    })
    const res = await slow.post('/n', '{}')
    expect(res.status).toBe(503)
    expect(calls).toBe(1)
  })

  it('refuses an endpoint that is not an http(s) URL', async () => {
    const t = await runtime('<match **>\n  @type http\n  endpoint ftp://x\n</match>')
    expect(t.runtime.errors.join()).toMatch(/only http and https/)
  })
})
