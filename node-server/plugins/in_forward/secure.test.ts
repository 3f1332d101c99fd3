/**
 * @module in_forward `<security>` over real TCP from a raw socket: §9 case 23 (HELO layout, PING
 * with the §1.6 vectors and the real nonce, the exact PONG, then events), case 24 (wrong key,
 * 5-element PING, data before PING: the exact failed PONG, then a close), user auth, `<client>`
 * rules with per-client keys and anonymous sources, events sent right behind the PING, and
 * handshake_timeout.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { message, options, record } from '../../../test/helpers/forward-build.ts'
import { cat, hex, str, uint } from '../../../test/helpers/msgpack-build.ts'
import { passwordDigest, sharedKeyDigest } from '../../forward/testing.ts'
import { encodePing, encodePongFailure, encodePongOk, readHelo, type Helo } from '../../../engine/forward/messages.ts'
import { encode, readObject } from '../../../engine/forward/msgpack.ts'
import { matchClient, parseNetwork, resolveClients } from './security.ts'
import { startForward, waitUntil, type ForwardHarness, type RawClient } from './testing.ts'

const T = 1441588984
const SALT = '0123456789abcdef0123456789abcdef'
const ack = (chunk: string): Buffer => Buffer.from(cat(hex('81 a3 61 63 6b'), str(chunk)))
const security = (body = '') => `  <security>\n    self_hostname server.local\n    shared_key secret\n${body}  </security>`

let h: ForwardHarness | null = null
afterEach(async () => {
  await h?.stop()
  h = null
})

/** Waits for the HELO and returns it with its raw bytes. */
async function helo(c: RawClient): Promise<{ helo: Helo; bytes: Buffer }> {
  await waitUntil(() => readObject(c.received, 0, 4096).status === 'ok', 'HELO')
  const r = readObject(c.received, 0, 4096)
  if (r.status !== 'ok') throw new Error('no HELO')
  return { helo: readHelo(r.value)!, bytes: c.received.subarray(0, r.end) }
}

function ping(h: Helo, o: { hostname?: string; key?: string; user?: string; password?: string } = {}): Uint8Array {
  const hostname = o.hostname ?? 'client.local'
  const auth = h.auth.length > 0 && o.user !== undefined
  return encodePing({
    hostname,
    salt: SALT,
    digest: sharedKeyDigest(SALT, hostname, h.nonce, o.key ?? 'secret'),
    username: auth ? o.user! : '',
    passwordDigest: auth ? passwordDigest(h.auth, o.user!, o.password ?? '') : '',
  })
}

/** Connects, reads HELO, sends `bytes(helo)`, returns the client and the byte offset after HELO. */
async function pingWith(bytes: (h: Helo) => Uint8Array): Promise<{ c: RawClient; at: number; h: Helo }> {
  const c = await h!.client()
  const got = await helo(c)
  await c.write(bytes(got.helo))
  return { c, at: got.bytes.length, h: got.helo }
}

async function expectRefused(c: RawClient, at: number, reason: string): Promise<void> {
  const pong = Buffer.from(encodePongFailure(reason))
  await c.waitForBytes(at + pong.length)
  expect(c.received.subarray(at)).toEqual(pong)
  await c.waitForEnd()
}

describe('in_forward <security> (§9 cases 23, 24)', () => {
  it('sends HELO, accepts the §1.6 PING with the real nonce, answers the exact PONG, then takes events', async () => {
    h = await startForward(security())
    const c = await h.client()
    const { helo: hello, bytes } = await helo(c)
    expect(bytes.subarray(0, 6)).toEqual(Buffer.from('92a448454c4f', 'hex')) // ["HELO", {...}]
    expect(bytes.includes(Buffer.concat([Buffer.from('a56e6f6e6365c410', 'hex'), Buffer.from(hello.nonce)]))).toBe(true)
    expect(bytes.includes(Buffer.concat([Buffer.from('a461757468c410', 'hex'), Buffer.from(hello.auth)]))).toBe(true)
    expect(hello).toMatchObject({ keepalive: true })
    expect(Buffer.from(hello.nonce).equals(Buffer.from(hello.auth))).toBe(false)
    await c.write(ping(hello))
    const pong = Buffer.from(encodePongOk('server.local', sharedKeyDigest(SALT, 'server.local', hello.nonce, 'secret')))
    await c.waitForBytes(bytes.length + pong.length)
    expect(c.received.subarray(bytes.length)).toEqual(pong)
    await c.write(message('test.a', uint(T), record({ k: 'v' }), options({ chunk: 'S' })))
    await c.waitForBytes(bytes.length + pong.length + ack('S').length)
    expect(h.capture.events.map((e) => [e.tag, e.record])).toEqual([['test.a', { k: 'v' }]])
  })

  it('takes events sent in the same write as the PING', async () => {
    h = await startForward(security())
    const { c, at, h: hello } = await pingWith((hl) => cat(ping(hl), message('test.b', uint(T), record({ n: 1 }), options({ chunk: 'P' }))))
    const pong = encodePongOk('server.local', sharedKeyDigest(SALT, 'server.local', hello.nonce, 'secret'))
    await c.waitForBytes(at + pong.length + ack('P').length)
    expect(c.received.subarray(at + pong.length)).toEqual(ack('P'))
    expect(h.capture.events).toHaveLength(1)
  })

  it('refuses a wrong shared key with the exact failed PONG, then closes', async () => {
    h = await startForward(security())
    const { c, at } = await pingWith((hl) => ping(hl, { key: 'wrong' }))
    await expectRefused(c, at, 'shared_key mismatch')
    const line = h.running.logs.find((l) => l.message.startsWith('Handshake refused'))!
    expect(line.fields).toMatchObject({ reason: 'shared_key mismatch', client_hostname: 'client.local' })
    expect(line.fields.peer).toMatch(/^127\.0\.0\.1:\d+$/)
  })

  it('refuses a 5-element PING as an invalid ping message', async () => {
    h = await startForward(security())
    const { c, at } = await pingWith((hl) =>
      encode(['PING', 'client.local', SALT, sharedKeyDigest(SALT, 'client.local', hl.nonce, 'secret'), '']),
    )
    await expectRefused(c, at, 'invalid ping message')
    expect(h.running.logs.find((l) => l.message.startsWith('Handshake refused'))!.fields.head).toEqual(expect.any(String))
  })

  it('treats data sent before the PING as the PING and refuses it; the events are not emitted', async () => {
    h = await startForward(security())
    const { c, at } = await pingWith(() => message('test.a', uint(T), record({ k: 'v' }), options({ chunk: 'E' })))
    await expectRefused(c, at, 'invalid ping message')
    const line = h.running.logs.find((l) => l.message.startsWith('Handshake refused'))!
    expect(Buffer.from(line.fields.head as string, 'base64')[0]).toBe(0x94)
    expect(h.capture.events).toHaveLength(0)
  })

  it('refuses broken msgpack and a first object longer than a PING can be', async () => {
    h = await startForward(security())
    const broken = await pingWith(() => hex('96 c1'))
    await expectRefused(broken.c, broken.at, 'invalid ping message')
    const huge = await pingWith(() => cat(hex('96 a4'), Buffer.from('PING'), hex('db 00 10 00 00'), new Uint8Array(100)))
    await expectRefused(huge.c, huge.at, 'invalid ping message')
  })

  it('sends keepalive false in HELO with deny_keepalive', async () => {
    h = await startForward(`  deny_keepalive true\n${security()}`)
    const c = await h.client()
    expect((await helo(c)).helo.keepalive).toBe(false)
  })
})

describe('in_forward <security> user auth and <client> rules', () => {
  const users =
    '    user_auth true\n    <user>\n      username alice\n      password pw\n    </user>\n    <user>\n      username bob\n      password pw2\n    </user>\n'

  it('accepts a user with the right password and refuses a wrong one or an unknown user', async () => {
    h = await startForward(security(users))
    const ok = await pingWith((hl) => ping(hl, { user: 'alice', password: 'pw' }))
    await ok.c.waitForBytes(ok.at + 7)
    expect(ok.c.received[ok.at + 6]).toBe(0xc3) // ["PONG", true, ...
    for (const [user, password] of [
      ['alice', 'nope'],
      ['carol', 'pw'],
    ]) {
      const bad = await pingWith((hl) => ping(hl, { user, password }))
      await expectRefused(bad.c, bad.at, 'username/password mismatch')
    }
    expect(h.running.logs.filter((l) => l.message.startsWith('Handshake refused')).map((l) => l.fields.username)).toEqual([
      'alice',
      'carol',
    ])
  })

  it('limits a <client> to its users', async () => {
    h = await startForward(security(`${users}    <client>\n      network 127.0.0.0/8\n      users bob\n    </client>\n`))
    const alice = await pingWith((hl) => ping(hl, { user: 'alice', password: 'pw' }))
    await expectRefused(alice.c, alice.at, 'username/password mismatch')
    const bob = await pingWith((hl) => ping(hl, { user: 'bob', password: 'pw2' }))
    await bob.c.waitForBytes(bob.at + 7)
    expect(bob.c.received[bob.at + 6]).toBe(0xc3)
  })

  it('denies an anonymous source when no <client> matches and allow_anonymous_source is false', async () => {
    h = await startForward(security('    allow_anonymous_source false\n    <client>\n      network 10.0.0.0/8\n    </client>\n'))
    const { c, at } = await pingWith((hl) => ping(hl))
    await expectRefused(c, at, "anonymous source host '127.0.0.1' denied")
  })

  it('uses the shared_key of the first matching <client>', async () => {
    h = await startForward(
      security(
        '    allow_anonymous_source false\n    <client>\n      host 127.0.0.1\n      shared_key per-client\n    </client>\n    <client>\n      network 127.0.0.0/8\n    </client>\n',
      ),
    )
    const sectionKey = await pingWith((hl) => ping(hl, { key: 'secret' }))
    await expectRefused(sectionKey.c, sectionKey.at, 'shared_key mismatch')
    const { c, at, h: hello } = await pingWith((hl) => ping(hl, { key: 'per-client' }))
    const pong = encodePongOk('server.local', sharedKeyDigest(SALT, 'server.local', hello.nonce, 'per-client'))
    await c.waitForBytes(at + pong.length)
    expect(c.received.subarray(at)).toEqual(Buffer.from(pong))
  })
})

describe('in_forward handshake_timeout', () => {
  it('closes a connection that never sends its PING, with the bytes it did send', async () => {
    h = await startForward(`  handshake_timeout 0.2\n${security()}`)
    const silent = await h.client()
    const slow = await h.client()
    await helo(slow)
    await slow.write(hex('96 a4 50 49'))
    await silent.waitForEnd()
    await slow.waitForEnd()
    const lines = h.running.logs.filter((l) => l.message.includes('handshake_timeout'))
    expect(lines).toHaveLength(2)
    expect(lines.map((l) => l.fields.head).filter(Boolean)).toEqual([Buffer.from('96a45049', 'hex').toString('base64')])
    expect(lines.every((l) => l.fields.stage === 'handshake')).toBe(true)
    expect(h.input.connectionCount).toBe(0)
  })

  it('counts connections in the handshake towards max_connections', async () => {
    h = await startForward(`  max_connections 1\n${security()}`)
    const first = await h.client()
    await helo(first)
    const second = await h.client()
    await second.waitForEnd()
    expect(second.received.length).toBe(0)
    expect(h.logged('warn', 'max_connections')).toBe(true)
  })
})

describe('in_forward <client> rules', () => {
  it('parses address, address/prefix and address/netmask networks, IPv4 and IPv6', () => {
    expect(parseNetwork('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' })
    expect(parseNetwork('192.168.1.7')).toEqual({ address: '192.168.1.7', prefix: 32, family: 'ipv4' })
    expect(parseNetwork('192.168.0.0/255.255.0.0')).toEqual({ address: '192.168.0.0', prefix: 16, family: 'ipv4' })
    expect(parseNetwork('fe80::/10')).toEqual({ address: 'fe80::', prefix: 10, family: 'ipv6' })
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/255.0.255.0', '1.2.3.4/8/9']) {
      expect(() => parseNetwork(bad)).toThrow(`network '${bad}' address format is invalid`)
    }
  })

  it('matches in config order, IPv4-mapped IPv6 addresses against IPv4 rules', async () => {
    const rules = await resolveClients([
      { label: 'a', host: '127.0.0.1', network: null, sharedKey: 'a', users: [] },
      { label: 'b', host: null, network: parseNetwork('127.0.0.0/8'), sharedKey: 'b', users: [] },
      { label: 'c', host: null, network: parseNetwork('::1/128'), sharedKey: 'c', users: [] },
    ])
    expect(matchClient(rules, '127.0.0.1')?.label).toBe('a')
    expect(matchClient(rules, '::ffff:127.0.0.2')?.label).toBe('b')
    expect(matchClient(rules, '::1')?.label).toBe('c')
    expect(matchClient(rules, '10.1.1.1')).toBeNull()
  })

  it('fails the start when a <client host> does not resolve', async () => {
    await expect(startForward(security('    <client>\n      host no-such-host.invalid\n    </client>\n'))).rejects.toThrow(
      "host 'no-such-host.invalid' cannot be resolved",
    )
  })
})
