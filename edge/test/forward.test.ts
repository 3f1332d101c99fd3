/**
 * @module The edge forward output inside workerd, over real `connect()` sockets to Node peers:
 * a real sluice in_forward (acks), PackedForward split by chunk_limit_size, gzip, time_as_integer,
 * the shared-key handshake (reference §1.6 vectors and a live server), failover to a standby,
 * and every failure answered 503 + Retry-After (no server, no ack, wrong ack, refused handshake).
 */

import { afterEach, describe, expect, it } from 'vitest'
import { EventTime } from '../../engine/event-time.ts'
import type { ServerOptions } from '../src/plugins/out_forward/options.ts'
import { envelopeHead, envelopeOptions } from '../src/plugins/out_forward/envelope.ts'
import { buildPing, checkPong, passwordDigest, readHelo, sharedKeyDigest } from '../src/plugins/out_forward/handshake.ts'
import { serverOrder } from '../src/plugins/out_forward/sender.ts'
import { encode, decode } from '@msgpack/msgpack'
import { control, peers, receivedBy, runtime, stopRuntimes, uniqueTag } from './support.ts'

afterEach(stopRuntimes)

const server = (port: number, extra = '') => `<server>\n  host 127.0.0.1\n  port ${port}\n${extra}</server>\n`
const forward = (servers: string, params = '') => `<match **>\n  @type forward\n${params}\n${servers}</match>\n`
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)))

describe('handshake (reference §1.6 vectors)', () => {
  const nonce = Uint8Array.from({ length: 16 }, (_, i) => i)
  const salt = '0123456789abcdef0123456789abcdef'

  it('computes the client, server and password digests', async () => {
    expect(await sharedKeyDigest(salt, 'client.local', nonce, 'secret')).toBe(
      'a54fe9112dac486b14cd266c34b8e43ff15364c6ab2b554be73e2745cd5b8bf054018aea3a3a724eedef9f13a4ea275d7cfbb16ec58c7159f2a262075d9be592',
    )
    expect(await sharedKeyDigest(salt, 'server.local', nonce, 'secret')).toBe(
      'ae64607f4e21f2f9522035385b6834f3f757999334e1afe8ed95719ff5eafd31ffcea9aaef407bfd8c6caebd09905aa242f4f4a0846a3494f4287c292d0525e2',
    )
    expect(
      await passwordDigest(
        Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i),
        'alice',
        'pw',
      ),
    ).toBe(
      '175443d1726b2836999b8b7b54c1fcf0a2ec1071f20fbec9f6e0a7594cf70f208e7ed315db82d7e4f45981d04990e9b9b46ea8f69444a5cf5e25601d72aa83e5',
    )
  })

  it('builds the 6-element PING and checks the PONG (refusal reason, same hostname, forged digest)', async () => {
    const helo = readHelo(decode(encode(['HELO', { nonce, auth: new Uint8Array(0), keepalive: true }]), { rawStrings: true }))
    const p = { selfHostname: 'client.local', sharedKey: 'secret', username: '', password: '', salt }
    expect(decode(await buildPing(helo, p))).toEqual([
      'PING',
      'client.local',
      salt,
      'a54fe9112dac486b14cd266c34b8e43ff15364c6ab2b554be73e2745cd5b8bf054018aea3a3a724eedef9f13a4ea275d7cfbb16ec58c7159f2a262075d9be592',
      '',
      '',
    ])
    const good = ['PONG', true, '', 'server.local', await sharedKeyDigest(salt, 'server.local', nonce, 'secret')]
    expect(await checkPong(good, helo, p)).toBe('server.local')
    await expect(checkPong(['PONG', false, 'shared_key mismatch', '', ''], helo, p)).rejects.toThrow(
      'handshake refused by the server: shared_key mismatch',
    )
    await expect(checkPong(['PONG', true, '', 'client.local', good[4]], helo, p)).rejects.toThrow(/same hostname/)
    await expect(checkPong(['PONG', true, '', 'server.local', 'f'.repeat(128)], helo, p)).rejects.toThrow(/digest does not match/)
    await expect(checkPong(['PONG', true], helo, p)).rejects.toThrow(/expected PONG/)
    expect(() => readHelo(['HELLO', {}])).toThrow(/expected HELO/)
    // Fluent Bit packs the nonce as str: with raw strings it arrives as the same bytes.
    expect(readHelo(decode(hex('92a448454c4f81a56e6f6e6365a3616263'), { rawStrings: true })).nonce).toEqual(new TextEncoder().encode('abc'))
  })

  it('adds the user-auth digest when the HELO has an auth salt', async () => {
    const auth = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i)
    const ping = decode(
      await buildPing({ nonce, auth, keepalive: true }, { selfHostname: 'c', sharedKey: 'k', username: 'alice', password: 'pw', salt }),
    ) as string[]
    expect(ping.slice(4)).toEqual([
      'alice',
      '175443d1726b2836999b8b7b54c1fcf0a2ec1071f20fbec9f6e0a7594cf70f208e7ed315db82d7e4f45981d04990e9b9b46ea8f69444a5cf5e25601d72aa83e5',
    ])
  })
})

describe('the PackedForward envelope', () => {
  it('is [tag, bin, {size, chunk, compressed}] in the smallest forms', () => {
    expect([...envelopeHead('tag.a', 3)]).toEqual([0x93, 0xa5, ...new TextEncoder().encode('tag.a'), 0xc4, 3])
    expect([...envelopeHead('t', 300)].slice(-3)).toEqual([0xc5, 1, 44])
    expect(decode(envelopeOptions(2, 'X', false))).toEqual({ size: 2, chunk: 'X' })
    expect(decode(envelopeOptions(70000, null, true))).toEqual({ size: 70000, compressed: 'gzip' })
  })
})

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
