/**
 * @module The edge forward output inside workerd, over real `connect()` sockets to Node peers:
 * a real sluice in_forward (acks), PackedForward split by chunk_limit_size, gzip, time_as_integer,
 * the shared-key handshake with a live server (the §1.6 vectors and the message bytes are in the
 * shared suite, forward-protocol.test.ts), failover to a standby, and every failure answered 503 + Retry-After (no server, no ack, wrong ack, refused handshake).
 */

import { afterEach, describe, expect, it } from 'vitest'
import { EventTime } from '../../engine/event-time.ts'
import type { ServerOptions } from '../src/plugins/out_forward/options.ts'
import { serverOrder } from '../src/plugins/out_forward/sender.ts'
import { encode } from '@msgpack/msgpack'
import { control, peers, receivedBy, runtime, stopRuntimes, uniqueTag } from './support.ts'

afterEach(stopRuntimes)

const server = (port: number, extra = '') => `<server>\n  host 127.0.0.1\n  port ${port}\n${extra}</server>\n`
const forward = (servers: string, params = '') => `<match **>\n  @type forward\n${params}\n${servers}</match>\n`

describe('server order', () => {
  const s = (name: string, weight: number, standby = false): ServerOptions => ({
    name,
    host: name,
    port: 1,
    weight,
    standby,
    sharedKey: null,
    username: '',
    password: '',
  })

  it('puts regular servers first (weighted random), standby ones last, weight 0 never', () => {
    const servers = [s('standby', 60, true), s('a', 60), s('zero', 0), s('b', 1)]
    const seen = new Map<string, number>()
    let seed = 1
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let i = 0; i < 400; i++) {
      const order = serverOrder(servers, random).map((x) => x.name)
      expect(order).toHaveLength(3)
      expect(order[2]).toBe('standby')
      seen.set(order[0], (seen.get(order[0]) ?? 0) + 1)
    }
    expect(seen.get('a')!).toBeGreaterThan(seen.get('b')! * 10)
  })
})

describe('forward output', () => {
  it('delivers to a sluice in_forward with acks before answering 202 (times to the ns, 64-bit integers exact)', async () => {
    const t = await runtime(forward(server(peers.sluice)))
    const tag = uniqueTag('fwd')
    const body = '[{"a":1,"time":1441588984.123456},{"big":18446744073709551615,"s":"ü"}]'
    const res = await t.post(`/${tag}`, body)
    expect(res.status).toBe(202)
    const got = await receivedBy('sluice', tag, 2)
    expect(got[0].time[0]).toBe(1441588984)
    expect(Math.round(got[0].time[1] / 1000)).toBe(123456)
    expect(got.map((e) => e.record)).toEqual([{ a: 1 }, { big: '18446744073709551615n', s: 'ü' }])
  })

  it('splits a request into PackedForward messages of chunk_limit_size, each acked, in order', async () => {
    const t = await runtime(forward(server(peers.plain), 'chunk_limit_size 1k'))
    const tag = uniqueTag('split')
    const batch = Array.from({ length: 60 }, (_, i) => ({ i, pad: 'p'.repeat(80) }))
    expect((await t.post(`/${tag}`, JSON.stringify(batch))).status).toBe(202)
    const got = await receivedBy('plain', tag, 60)
    expect(got.map((e) => e.record.i)).toEqual(batch.map((b) => b.i))
    const messages = await control<{ size: number; chunk: string; entriesAreBin: boolean; compressed: string | null }[]>(
      `/messages/plain?tag=${tag}`,
    )
    expect(messages.length).toBeGreaterThan(5)
    expect(messages.reduce((n, m) => n + m.size, 0)).toBe(60)
    for (const m of messages) {
      expect(m.entriesAreBin).toBe(true)
      expect(m.compressed).toBeNull()
      expect(atob(m.chunk)).toHaveLength(16)
    }
  })

  it('sends CompressedPackedForward with compress gzip, and integer times with time_as_integer', async () => {
    const t = await runtime(forward(server(peers.plain), 'compress gzip\ntime_as_integer true'))
    const tag = uniqueTag('gz')
    expect((await t.post(`/${tag}?time=1441588984.5`, '[{"k":"v"},{"k":"w"}]')).status).toBe(202)
    const got = await receivedBy('plain', tag, 2)
    expect(got.map((e) => [e.time, e.integerTime, e.record])).toEqual([
      [[1441588984, 0], true, { k: 'v' }],
      [[1441588984, 0], true, { k: 'w' }],
    ])
    const [message] = await control<{ compressed: string }[]>(`/messages/plain?tag=${tag}`)
    expect(message.compressed).toBe('gzip')
  })

  it('without require_ack_response, a written socket is enough (no chunk option)', async () => {
    const t = await runtime(forward(server(peers.silent), 'require_ack_response false'))
    const tag = uniqueTag('noack')
    expect((await t.post(`/${tag}`, '{"a":1}')).status).toBe(202)
    await receivedBy('silent', tag, 1)
    const [message] = await control<{ chunk: string | null }[]>(`/messages/silent?tag=${tag}`)
    expect(message.chunk).toBeNull()
  })

  it('runs the shared-key handshake with a <security> server', async () => {
    const t = await runtime(forward(server(peers.secure), '<security>\n  self_hostname edge.test\n  shared_key secret\n</security>'))
    const tag = uniqueTag('sec')
    expect((await t.post(`/${tag}`, '{"a":1}')).status).toBe(202)
    expect((await receivedBy('secure', tag, 1))[0].record).toEqual({ a: 1 })
    const handshakes = await control<{ ok: boolean; hostname: string }[]>('/handshakes/secure')
    expect(handshakes).toContainEqual({ ok: true, reason: '', hostname: 'edge.test' })
  })

  it("runs the handshake with a sluice in_forward's <security> (shared key and user auth): one protocol implementation on both ends", async () => {
    const secure = (key: string, password: string) =>
      forward(
        server(peers.sluiceSecure, `  username edge\n  password ${password}\n`),
        `<security>\n  self_hostname edge.test\n  shared_key ${key}\n</security>`,
      )
    const t = await runtime(secure('secret', 'pw'))
    const tag = uniqueTag('sluicesec')
    expect((await t.post(`/${tag}`, '{"a":1}')).status).toBe(202)
    expect((await receivedBy('sluiceSecure', tag, 1))[0].record).toEqual({ a: 1 })
    const wrongPassword = await (await runtime(secure('secret', 'nope'))).post(`/${uniqueTag('sluicesec')}`, '{"a":1}')
    expect(wrongPassword.status).toBe(503)
    expect(((await wrongPassword.json()) as { error: string }).error).toContain(
      'handshake refused by the server: username/password mismatch',
    )
    const wrongKey = await (await runtime(secure('wrong', 'pw'))).post(`/${uniqueTag('sluicesec')}`, '{"a":1}')
    expect(((await wrongKey.json()) as { error: string }).error).toContain('handshake refused by the server: shared_key mismatch')
  })

  it('answers 503 with the reason when the handshake is refused, or missing', async () => {
    const wrong = await runtime(forward(server(peers.secure), '<security>\n  self_hostname edge.test\n  shared_key wrong\n</security>'))
    const res = await wrong.post(`/${uniqueTag('sec')}`, '{"a":1}')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(((await res.json()) as { error: string }).error).toContain('handshake refused by the server: shared_key mismatch')
    const none = await runtime(forward(server(peers.secure), 'ack_response_timeout 2'))
    const res2 = await none.post(`/${uniqueTag('sec')}`, '{"a":1}')
    expect(res2.status).toBe(503)
    expect(((await res2.json()) as { error: string }).error).toMatch(/HELO|not an ack/)
  })

  it('fails over to the next server (standby last) and logs the failed one', async () => {
    const t = await runtime(forward(server(peers.closing) + server(peers.plain, '  standby true\n')))
    const tag = uniqueTag('failover')
    expect((await t.post(`/${tag}`, '[{"n":1},{"n":2}]')).status).toBe(202)
    expect((await receivedBy('plain', tag, 2)).map((e) => e.record.n)).toEqual([1, 2])
    expect(t.logs.some((l) => l.level === 'warn' && l.message.includes('trying the next one'))).toBe(true)
  })

  it.each([
    ['no ack in time', () => server(peers.silent), 'ack_response_timeout 0.5', /waiting for the acks .* timed out/],
    ['a wrong ack', () => server(peers.wrongAck), '', /not an ack of a chunk sent/],
    ['a connection closed before the ack', () => server(peers.closing), '', /closed the connection before an ack/],
    ['a refused connection', () => server(1), '', /cannot connect|connect/],
  ])('answers 503 + Retry-After and accepts nothing for %s', async (_what, servers, params, reason) => {
    const t = await runtime(forward(servers(), params))
    const res = await t.post(`/${uniqueTag('fail')}`, '{"a":1}')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    const answer = (await res.json()) as { error: string; accepted: number }
    expect(answer.accepted).toBe(0)
    expect(answer.error).toMatch(/^no server took the events/)
    expect(answer.error).toMatch(reason)
  })

  it.each([
    ['no <server>', '', /server/],
    ['only weight 0', server(peers.plain, '  weight 0\n'), /weight 0/],
    ['shared_key without <security>', server(peers.plain, '  shared_key x\n'), /need a <security> section/],
  ])('refuses a config with %s', async (_what, servers, error) => {
    const t = await runtime(forward(servers))
    expect(t.runtime.errors.join('\n')).toMatch(error)
    const res = await t.post('/x', '{}')
    expect(res.status).toBe(500)
  })

  it('keeps EventTime nanoseconds from msgpack bodies', async () => {
    const t = await runtime(forward(server(peers.plain)))
    const tag = uniqueTag('ns')
    const body = encode(
      { time: new EventTime(1441588984, 123456789), a: 1 },
      { extensionCodec: (await import('../../engine/event-time.ts')).eventTimeCodec },
    )
    expect((await t.post(`/${tag}`, body, { 'content-type': 'application/msgpack' })).status).toBe(202)
    expect((await receivedBy('plain', tag, 1))[0].time).toEqual([1441588984, 123456789])
  })
})
