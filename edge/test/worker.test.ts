/**
 * @module The Worker itself inside workerd, configured by its wrangler.jsonc (tokens stored as
 * SHA-256) and SLUICE_CONFIG: health, auth and scopes, events to a capture and over the Forward
 * protocol, and a runtime rebuilt when the settings change.
 */

import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { captureOutput, captures } from '../../test/helpers/capture-output.ts'
import type { EdgeEnv } from '../src/settings.ts'
import { flakyOutput } from './plugins.ts'
import { receivedBy, uniqueTag } from './support.ts'
import { createWorker } from '../src/worker.ts'

const worker = (exports as unknown as { default: Fetcher }).default
const post = (path: string, body: string, token?: string) =>
  worker.fetch(`http://edge.test${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  })

describe('the edge Worker', () => {
  it('answers /healthz without a token', async () => {
    const res = await worker.fetch('http://edge.test/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      status: 'ok',
      config: 'SLUICE_CONFIG',
      auth: true,
      outputs: expect.arrayContaining(['queue', 'forward', 'capture']),
    })
  })

  it('checks the tokens of its wrangler.jsonc and their scopes', async () => {
    const tag = uniqueTag('web')
    expect((await post(`/${tag}`, '{"a":1}')).status).toBe(401)
    expect((await post(`/${tag}`, '{"a":1}', 'nope')).status).toBe(401)
    expect((await post('/app/x', '{"a":1}', 'web-token')).status).toBe(403)
    expect((await post(`/${tag}`, '{"a":2}', 'web-token')).status).toBe(202)
    expect(
      captures
        .get('worker_capture')!
        .events.filter((e) => e.tag === tag)
        .map((e) => e.record),
    ).toEqual([{ a: 2 }])
  })

  it('forwards to a sluice in_forward with acks', async () => {
    const tag = uniqueTag('fwd')
    expect((await post(`/${tag}`, '[{"f":1},{"f":2}]', 'test-token')).status).toBe(202)
    expect((await receivedBy('sluice', tag, 2)).map((e) => e.record.f)).toEqual([1, 2])
  })

  it('builds a new runtime when the settings change, and keeps it while they do not', async () => {
    const base = env as unknown as EdgeEnv
    const edge = createWorker({ plugins: [captureOutput, flakyOutput] })
    const a = await edge.runtimeFor(base)
    expect(a.errors).toEqual([])
    expect(await edge.runtimeFor(base)).toBe(a)
    const changed = await edge.runtimeFor({ ...base, SLUICE_CONFIG: '<match **>\n  @type null\n</match>' })
    expect(changed).not.toBe(a)
    expect(changed.agent!.plugins.map((p) => p.type)).toEqual(['null', 'http'])
    expect(await edge.runtimeFor(base)).not.toBe(changed)
  })
})
