/**
 * @module createUiApi through hono's app.request: the built UI under /ui/ (types, caching, CSP,
 * no path escapes, "not built"), validation like `sluice check` without file or env access, apply
 * behind the token, the running config, and the live tap as server-sent events (limit, exact
 * 64-bit integers, token, unsubscribe on end).
 */

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventTime } from '../../engine/event-time.ts'
import { streamFromEvents } from '../../engine/event-stream.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { loadHono } from '../net/hono.ts'
import { createTapHub, createUiApi, type UiApiOptions } from './index.ts'
import { NOT_BUILT } from './static.ts'

let dir = ''
let outside = ''
beforeAll(async () => {
  await loadHono()
  dir = await mkdtemp(join(tmpdir(), 'sluice-ui-dist-'))
  await mkdir(join(dir, 'assets'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>designer</title>')
  await writeFile(join(dir, 'assets', 'core-abc.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
  await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)')
  outside = join(dir, '..', `${dir.split('/').pop()}-secret.txt`)
  await writeFile(outside, 'FILE-CONTENT-MARKER')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  await rm(outside, { force: true })
})

const applied: string[] = []
function api(overrides: Partial<UiApiOptions> = {}) {
  return createUiApi({
    uiDist: dir,
    token: 's3cret-token',
    getConfigText: () => '<match **>\n  @type stdout\n</match>\n',
    applyConfig: async (text) => {
      applied.push(text)
      return text.includes('broken') ? { ok: false, errors: ['fluent.conf:1: broken'] } : { ok: true, errors: [] }
    },
    ...overrides,
  })
}
const bearer = (token = 's3cret-token') => ({ authorization: `Bearer ${token}` })

describe('the UI files', () => {
  it('redirects /ui to /ui/ and serves index.html with a CSP that lets WebAssembly run, never cached', async () => {
    const app = api()
    const redirect = await app.request('/ui')
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe('/ui/')
    const index = await app.request('/ui/')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('cache-control')).toBe('no-cache')
    expect(index.headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'")
    expect(await index.text()).toContain('<title>designer</title>')
  })

  it('serves core.wasm as application/wasm and hashed assets as immutable; HEAD has no body', async () => {
    const app = api()
    const wasm = await app.request('/ui/assets/core-abc.wasm')
    expect(wasm.headers.get('content-type')).toBe('application/wasm')
    expect(wasm.headers.get('cache-control')).toContain('immutable')
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
    const head = await app.request('/ui/assets/index-abc.js', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await head.text()).toBe('')
  })

  it('never serves a file outside the directory', async () => {
    const app = api()
    const name = outside.split('/').pop()!
    for (const path of [`/ui/../${name}`, `/ui/%2e%2e/${name}`, `/ui/assets/%2e%2e%2f%2e%2e%2f${name}`, '/ui/%00']) {
      const response = await app.request(path)
      expect(response.status, path).toBeGreaterThanOrEqual(400)
      expect(await response.text(), path).not.toContain('FILE-CONTENT-MARKER')
    }
    expect((await app.request('/ui/nothing.js')).status).toBe(404)
  })

  it('says how to build the UI when it is not built', async () => {
    const app = api({ uiDist: join(dir, 'no-such-dist') })
    const response = await app.request('/ui/')
    expect(response.status).toBe(404)
    expect(await response.text()).toBe(NOT_BUILT)
  })
})

describe('POST /api/config/validate', () => {
  it('accepts a valid config and reports errors with file:line and hints, like sluice check', async () => {
    const app = api()
    const ok = await app.request('/api/config/validate', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '<source>\n  @type forward\n  port 0\n</source>\n<filter **>\n  @type grep\n</filter>\n<match **>\n  @type relabel\n  @label @OUT\n</match>\n<label @OUT>\n  <match **>\n    @type copy\n    <store>\n      @type relabel\n      @label @ROOT\n    </store>\n  </match>\n</label>\n',
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ ok: true, errors: [] })
    const bad = await app.request('/api/config/validate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ config: '<source>\n  @type forward\n  prot 24224\n</source>\n<match **>\n  @type nope\n</match>\n' }),
    })
    type Problems = { line: number; reason: string; hint: string }[]
    const body = (await bad.json()) as { ok: boolean; errors: Problems; warnings: Problems }
    expect(body.ok).toBe(false)
    expect(body.errors.map((e) => `${e.line}: ${e.reason}`)).toEqual(["6: unknown output plugin 'nope'"])
    expect(body.warnings.map((e) => `${e.line}: ${e.reason}`)).toEqual(["3: parameter 'prot' in <source> is not used"])
    expect(body.warnings[0].hint).toBe('did you mean port?')
  })

  it('reads no file and no environment variable of the daemon', async () => {
    process.env.SLUICE_UI_TEST_SECRET = 'do-not-leak'
    const app = api()
    const response = await app.request('/api/config/validate', {
      method: 'POST',
      body: `@include ${outside}\n<match **>\n  @type copy\n  <store>\n    @type relabel\n    @label "#{ENV['SLUICE_UI_TEST_SECRET']}"\n  </store>\n</match>\n`,
    })
    const text = await response.text()
    expect(text).toContain('@include is not available here')
    expect(text).not.toContain('FILE-CONTENT-MARKER')
    expect(text).not.toContain('do-not-leak')
    delete process.env.SLUICE_UI_TEST_SECRET
  })

  it('refuses bodies over the limit with 413 and unreadable JSON with 400', async () => {
    const app = api({ maxConfigBytes: 64 })
    expect((await app.request('/api/config/validate', { method: 'POST', body: 'x'.repeat(65) })).status).toBe(413)
    expect(
      (await app.request('/api/config/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nope":1}' }))
        .status,
    ).toBe(400)
  })
})

describe('POST /api/config/apply and GET /api/config', () => {
  it('needs the bearer token; reports the apply outcome (422 when the daemon keeps the old config)', async () => {
    const app = api()
    expect((await app.request('/api/config/apply', { method: 'POST', body: 'x' })).status).toBe(401)
    expect((await app.request('/api/config/apply', { method: 'POST', body: 'x', headers: bearer('wrong') })).status).toBe(401)
    const ok = await app.request('/api/config/apply', { method: 'POST', body: '<match **>\n  @type null\n</match>\n', headers: bearer() })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ ok: true, errors: [] })
    expect(applied.at(-1)).toBe('<match **>\n  @type null\n</match>\n')
    const refused = await app.request('/api/config/apply', { method: 'POST', body: 'broken', headers: bearer() })
    expect(refused.status).toBe(422)
    expect(await refused.json()).toEqual({ ok: false, errors: ['fluent.conf:1: broken'] })
    const config = await app.request('/api/config', { headers: bearer() })
    expect(await config.text()).toBe('<match **>\n  @type stdout\n</match>\n')
    expect((await app.request('/api/config')).status).toBe(401)
  })

  it('is disabled without a token (403), and a failing apply is a 500 with the reason', async () => {
    const noToken = api({ token: null })
    const refused = await noToken.request('/api/config/apply', { method: 'POST', body: 'x' })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toMatch(/no API token/)
    expect((await noToken.request('/api/config')).status).toBe(403)
    const failing = api({
      applyConfig: async () => {
        throw new Error('reload in progress')
      },
    })
    const response = await failing.request('/api/config/apply', { method: 'POST', body: 'x', headers: bearer() })
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ ok: false, errors: ['apply failed: reload in progress'] })
  })
})

/** Reads SSE events from a response until `end` or `max` events. */
async function readEvents(response: Response, onStart: () => void, max = 50): Promise<{ event: string; data: string }[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  const events: { event: string; data: string }[] = []
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n')
      events.push({ event, data })
      if (event === 'start') onStart()
      if (event === 'end' || events.length >= max) {
        await reader.cancel()
        return events
      }
    }
  }
  return events
}

describe('GET /api/tap', () => {
  it('is off (404) without a tap provider', async () => {
    expect((await api().request('/api/tap', { headers: bearer() })).status).toBe(404)
  })

  it('streams up to `limit` live events with exact 64-bit integers, then ends and unsubscribes', async () => {
    const hub = createTapHub(await loadCore())
    const app = api({ tap: hub })
    expect((await app.request('/api/tap?limit=2')).status).toBe(401)
    const response = await app.request('/api/tap?limit=2', { headers: bearer() })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const events = await readEvents(response, () => {
      hub.publish(
        streamFromEvents('app.web', [
          { time: new EventTime(1735689600, 5), record: { id: 18446744073709551615n, msg: 'a' } },
          { time: new EventTime(1735689601, 0), record: { id: 1, msg: 'b' } },
          { time: new EventTime(1735689602, 0), record: { id: 2, msg: 'c' } },
        ]),
      )
    })
    expect(events.map((e) => e.event)).toEqual(['start', 'tap', 'tap', 'end'])
    // `time` is a double (the tap's contract): 5 ns past the second is below its precision.
    expect(events[1].data).toBe('{"tag":"app.web","time":1735689600,"record":{"id":18446744073709551615,"msg":"a"}}')
    expect(JSON.parse(events[2].data)).toEqual({ tag: 'app.web', time: 1735689601, record: { id: 1, msg: 'b' } })
    expect(hub.listeners).toBe(0)
  })

  it('follows without a limit (follow=1): every event after `start`, keepalive comments, until the client leaves', async () => {
    const hub = createTapHub(await loadCore())
    const response = await api({ tap: hub, tapOptions: { keepaliveMs: 30 } }).request('/api/tap?follow=1', { headers: bearer() })
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (!(text.includes('event: start') && text.split('event: tap').length > 150 && text.includes(': keepalive'))) {
      const { value, done } = await reader.read()
      if (done) break
      text += value
      if (text.includes('event: start') && !text.includes('event: tap'))
        for (let i = 0; i < 150; i++) hub.publish(streamFromEvents('live', [{ time: new EventTime(1, 0), record: { i } }]))
    }
    expect(text.startsWith('event: start\ndata: {"follow":true}\n')).toBe(true)
    expect(text.split('event: tap').length - 1).toBe(150)
    expect(text).toContain('data: {"tag":"live","time":1,"record":{"i":149}}')
    expect(text).not.toContain('event: end')
    await reader.cancel()
    for (let n = 0; hub.listeners > 0 && n < 200; n++) await new Promise((r) => setTimeout(r, 10))
    expect(hub.listeners).toBe(0)
  })

  it('needs no token when the daemon has none (the operator opted in by configuring the tap)', async () => {
    const hub = createTapHub(await loadCore())
    const response = await api({ token: null, tap: hub }).request('/api/tap?limit=1&seconds=5')
    const events = await readEvents(response, () => hub.publish(streamFromEvents('t', [{ time: new EventTime(1, 0), record: { k: 'v' } }])))
    expect(events.map((e) => e.event)).toEqual(['start', 'tap', 'end'])
  })
})
