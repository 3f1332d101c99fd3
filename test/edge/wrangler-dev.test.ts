/**
 * @module End to end: the edge Worker under `wrangler dev` (local workerd, offline) in front of a
 * sluice in_forward on loopback. Events POSTed to the edge with a bearer token arrive at the
 * forwarder over the Forward protocol; the edge answers 202 only after in_forward acked them (a
 * forwarder that cannot accept gives 503 and nothing is lost), the sendBeacon form works, and the
 * Queue path (producer → local Queue → consumer → forward) delivers. wrangler is stopped with SIGINT
 * to its own node process and its workerd processes must be gone afterwards.
 */

import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAgent, type TestAgent } from '../helpers/agent.ts'
import { captures, type Capture } from '../helpers/capture-output.ts'
import { inForward, type ForwardInput } from '../../node-server/plugins/in_forward/index.ts'
import { startWranglerDev, type WranglerDev } from './wrangler-dev.ts'

const TOKEN = 'e2e-token'
let forwarder: TestAgent
let capture: Capture
let edge: WranglerDev | null = null

beforeAll(async () => {
  forwarder = await startAgent(
    '<source>\n  @type forward\n  @id in\n  bind 127.0.0.1\n  port 0\n</source>\n<match **>\n  @type capture\n  @id e2e\n</match>\n',
    [inForward],
  )
  capture = captures.get('e2e')!
  const port = (forwarder.agent.plugins.find((p) => p.id === 'in')!.plugin as ForwardInput).address().port
  const server = `    <server>\n      host 127.0.0.1\n      port ${port}\n    </server>\n`
  edge = await startWranglerDev({
    SLUICE_TOKENS: JSON.stringify([{ name: 'e2e', sha256: createHash('sha256').update(TOKEN).digest('hex'), tags: 'e2e.**' }]),
    SLUICE_CONFIG:
      `<match e2e.durable.**>\n  @type queue\n  @id durable\n  <store>\n    @type forward\n${server}  </store>\n</match>\n` +
      `<match e2e.**>\n  @type forward\n  ack_response_timeout 5\n${server}</match>\n`,
  })
}, 120_000)

afterAll(async () => {
  try {
    if (edge !== null) {
      const workerd = edge.workerdPids()
      expect(workerd.length).toBeGreaterThan(0)
      await edge.stop()
    }
  } finally {
    await forwarder?.stop()
    captures.delete('e2e')
  }
}, 60_000)

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
) => fetch(`${edge!.url}${path}`, { method: 'POST', body, headers })

const arrived = (tag: string) => capture.events.filter((e) => e.tag === tag)

describe('edge under wrangler dev → sluice in_forward', () => {
  it('delivers POSTed events over the Forward protocol and answers 202 once they are acked', async () => {
    const res = await post('/e2e/web?time=1441588984.25', '[{"n":1,"msg":"a"},{"n":2},{"n":3,"big":9007199254740993}]')
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ accepted: 3, rejected: [], rejected_count: 0 })
    // acked means in the forwarder's outputs already: no waiting needed
    expect(arrived('e2e.web').map((e) => e.record)).toEqual([{ n: 1, msg: 'a' }, { n: 2 }, { n: 3, big: 9007199254740993n }])
    expect(arrived('e2e.web').every((e) => e.time.sec === 1441588984 && e.time.nsec === 250_000_000)).toBe(true)
  })

  it('answers 503 when the forwarder cannot accept (no ack), and 202 again when it can', async () => {
    capture.failWith = new Error('output is full')
    try {
      const res = await post('/e2e/fail', '{"n":1}')
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('1')
    } finally {
      capture.failWith = null
    }
    expect((await post('/e2e/fail', '{"n":2}')).status).toBe(202)
    expect(arrived('e2e.fail').map((e) => e.record.n)).toEqual([2])
  })

  it('takes a sendBeacon body (text/plain, token in access_token) and reports bad lines', async () => {
    const res = await fetch(`${edge!.url}/e2e/beacon?access_token=${TOKEN}`, { method: 'POST', body: '{"b":1}\nnot json\n{"b":2}' })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({
      accepted: 2,
      rejected: [{ line: 2, error: expect.stringMatching(/^invalid JSON/) }],
      rejected_count: 1,
    })
    expect(arrived('e2e.beacon').map((e) => e.record)).toEqual([{ b: 1 }, { b: 2 }])
  })

  it('refuses a missing token (401) and a tag outside its scope (403)', async () => {
    expect((await post('/e2e/x', '{}', { 'content-type': 'application/json' })).status).toBe(401)
    expect((await post('/other/x', '{}')).status).toBe(403)
  })

  it('delivers through the local Queue: 202 when queued, then the consumer forwards', async () => {
    const res = await post('/e2e/durable/x', '[{"q":1},{"q":2}]')
    expect(res.status).toBe(202)
    const deadline = Date.now() + 20_000
    while (arrived('e2e.durable.x').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(arrived('e2e.durable.x').map((e) => e.record.q)).toEqual([1, 2])
  })
})
