/**
 * @module The Forward protocol's wire pieces as ONE suite, run in every runtime that sends or
 * receives Forward (Node: engine/forward/protocol.test.ts and node-server/forward/; workerd:
 * edge/test/forward-protocol.test.ts): the PackedForward envelope bytes, ack writing and reading,
 * and the shared-key handshake — the reference §1.6 test vectors, the exact HELO/PING/PONG bytes,
 * Fluentd's PING and PONG checks, and both sides talking to each other — with the digest provider
 * of the runtime (node:crypto, WebCrypto). Runtime-neutral: no node:*, no Buffer.
 *
 * @example
 * runForwardProtocolSuite('node:crypto', nodeSha512)
 */

import { decode, encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { ACK_PREFIX, AckReader, AckStream, ackChunk, jsonAck, msgpackAck } from './ack.ts'
import { digestMatches, newNonce, newSalt, passwordDigest, type Sha512Hex, sharedKeyDigest } from './digest.ts'
import { envelope, envelopeHeader, envelopeOptions, forwardChunkId } from './envelope.ts'
import {
  answerPing,
  buildPing,
  checkPong,
  type ClientCredentials,
  clientHandshake,
  type HandshakeChannel,
  HandshakeError,
  newHelo,
} from './handshake.ts'
import { encodeHelo, encodePing, encodePongFailure, encodePongOk, readHelo, readPing, readPong } from './messages.ts'
import { encode as encodeControl, ObjectStream, Raw, readObject, type Value } from './msgpack.ts'

const text = (s: string) => new TextEncoder().encode(s)
const fromHex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)))
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const nonce = Uint8Array.from({ length: 16 }, (_, i) => i)
const authSalt = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i)
const salt = '0123456789abcdef0123456789abcdef'
const CLIENT_DIGEST =
  'a54fe9112dac486b14cd266c34b8e43ff15364c6ab2b554be73e2745cd5b8bf054018aea3a3a724eedef9f13a4ea275d7cfbb16ec58c7159f2a262075d9be592'
const SERVER_DIGEST =
  'ae64607f4e21f2f9522035385b6834f3f757999334e1afe8ed95719ff5eafd31ffcea9aaef407bfd8c6caebd09905aa242f4f4a0846a3494f4287c292d0525e2'
const PASSWORD_DIGEST =
  '175443d1726b2836999b8b7b54c1fcf0a2ec1071f20fbec9f6e0a7594cf70f208e7ed315db82d7e4f45981d04990e9b9b46ea8f69444a5cf5e25601d72aa83e5'

function read(bytes: Uint8Array): Value {
  const r = readObject(bytes, 0, 4096)
  if (r.status !== 'ok') throw new Error(`not ok: ${JSON.stringify(r)}`)
  return r.value
}

const includes = (haystack: Uint8Array, needle: Uint8Array) => hex(haystack).includes(hex(needle))

/** Registers the suite under `describe(name)`, hashing with `sha512`. */
export function runForwardProtocolSuite(name: string, sha512: Sha512Hex): void {
  describe(`Forward protocol (${name})`, () => {
    envelopeCases()
    ackCases()
    digestCases(sha512)
    messageCases(sha512)
    handshakeCases(sha512)
  })
}

function envelopeCases(): void {
  describe('the PackedForward envelope', () => {
    it('is [tag, bin, {size, chunk, compressed}] in the smallest forms', () => {
      expect([...envelopeHeader('tag.a', 3)]).toEqual([0x93, 0xa5, ...text('tag.a'), 0xc4, 3])
      expect([...envelopeHeader('t', 300)].slice(-3)).toEqual([0xc5, 1, 44])
      expect([...envelopeHeader('t', 70_000)].slice(-5)).toEqual([0xc6, 0, 1, 0x11, 0x70])
      expect(decode(envelopeOptions(2, 'X', false))).toEqual({ size: 2, chunk: 'X' })
      expect(decode(envelopeOptions(70000, null, true))).toEqual({ size: 70000, compressed: 'gzip' })
      expect(hex(envelopeOptions(1, null, false))).toBe('81a473697a6501')
    })

    it('writes tags and sizes at every header boundary exactly as a msgpack encoder does', () => {
      for (const n of [0, 31, 32, 255, 256, 65535, 65536]) {
        const tag = 't'.repeat(n)
        const head = envelopeHeader(tag, 5)
        expect(hex(head.subarray(0, head.length - 2))).toBe(hex(join(Uint8Array.of(0x93), encode(tag))))
      }
      for (const size of [0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1]) {
        for (const chunk of [null, 'p8n9gmxTQVC8/nh2wlKKeQ==', 'c'.repeat(40)]) {
          for (const compressed of [false, true]) {
            const expected: Record<string, unknown> = { size }
            if (chunk !== null) expected.chunk = chunk
            if (compressed) expected.compressed = 'gzip'
            expect(hex(envelopeOptions(size, chunk, compressed))).toBe(hex(encode(expected)))
          }
        }
      }
    })

    it('decodes as one PackedForward message whose entries are the bytes given, as bin', () => {
      const entries = encode([1441588984, { k: 'v' }])
      const parts = envelope('app.web', entries, 1, 'abc', false)
      expect(parts[1]).toBe(entries)
      const [tag, bin, options] = decode(join(...parts)) as [string, Uint8Array, Record<string, unknown>]
      expect(tag).toBe('app.web')
      expect(bin).toBeInstanceOf(Uint8Array)
      expect([...bin]).toEqual([...entries])
      expect(options).toEqual({ size: 1, chunk: 'abc' })
    })

    it('sends chunk ids as standard base64 of the 16 bytes, without a trailing newline', () => {
      const id = Uint8Array.from({ length: 16 }, (_, i) => 0xa7 + i * 7)
      const chunk = forwardChunkId(id)
      expect(chunk).toMatch(/^[A-Za-z0-9+/]{22}==$/)
      expect([...Uint8Array.from(atob(chunk), (c) => c.charCodeAt(0))]).toEqual([...id])
    })
  })
}

function ackCases(): void {
  describe('acks', () => {
    it('echoes the chunk value byte for byte (§9 case 4: the trailing newline kept)', () => {
      const option = encode({ chunk: 'p8n9gmxTQVC8/nh2wlKKeQ==\n' })
      const value = option.subarray(7) // after 81 a5 "chunk"
      const ack = msgpackAck(option, 7, option.length)
      expect(hex(ack.subarray(0, 5))).toBe(hex(ACK_PREFIX))
      expect(hex(ack)).toBe(hex(join(ACK_PREFIX, value)))
      expect(decode(ack)).toEqual({ ack: 'p8n9gmxTQVC8/nh2wlKKeQ==\n' })
      expect(new TextDecoder().decode(jsonAck('J'))).toBe('{"ack":"J"}')
    })

    it('reads the chunk of an ack as raw bytes, str or bin', () => {
      expect(ackChunk(new Map([['ack', new Raw(text('abc'), 'str')]]))).toEqual(text('abc'))
      expect(ackChunk(new Map([['ack', new Raw(Uint8Array.of(0xff), 'bin')]]))).toEqual(Uint8Array.of(0xff))
      expect(ackChunk(new Map([['ack', 1]]))).toBeNull()
      expect(ackChunk([new Raw(text('ack'), 'str')])).toBeNull()
    })

    it('AckReader accepts {"ack": id} as str, also when it arrives one byte at a time', () => {
      const bytes = encode({ ack: 'p8n9gmxTQVC8/nh2wlKKeQ==' })
      const reader = new AckReader('p8n9gmxTQVC8/nh2wlKKeQ==')
      for (let i = 0; i < bytes.length - 1; i++) expect(reader.push(bytes.subarray(i, i + 1))).toBe('more')
      expect(reader.push(bytes.subarray(bytes.length - 1))).toBe('ok')
    })

    it('AckReader tolerates the id as bin', () => {
      expect(new AckReader('abc').push(encode({ ack: text('abc') }))).toBe('ok')
    })

    it('AckReader reports another id, extra bytes, or something else as a mismatch', () => {
      expect(new AckReader('abc').push(encode({ ack: 'abd' }))).toBe('mismatch')
      expect(new AckReader('abc').push(join(encode({ ack: 'abc' }), encode({ ack: 'abc' })))).toBe('mismatch')
      expect(new AckReader('abc').push(encode(['abc']))).toBe('mismatch')
      const other = new AckReader('abc')
      other.push(encode({ ack: 'xyz' }))
      expect(other.answered).toBe('{"ack":"xyz"}')
      const broken = new AckReader('abc')
      expect(broken.push(Uint8Array.of(0xc1))).toBe('mismatch')
      expect(String(broken.answered)).toMatch(/^undecodable/)
      expect(new AckReader('abc').push(Uint8Array.of(0xd9, 5, 0x61))).toBe('more')
      // Longer than an ack can be, also when only announced: not an ack.
      expect(new AckReader('abc').push(Uint8Array.of(0xdb, 0, 1, 0, 0, 0x61))).toBe('mismatch')
      expect(new AckReader('abc').push(new Uint8Array(5000).fill(0x91))).toBe('mismatch')
    })

    it('AckStream reads acks split at every byte', () => {
      const one = join(Uint8Array.of(0x81, 0xa3, 0x61, 0x63, 0x6b, 0xb8), text('p8n9gmxTQVC8/nh2wlKKeQ=='))
      const two = join(Uint8Array.of(0x81, 0xa3, 0x61, 0x63, 0x6b, 0xd9, 3), text('abc'))
      const three = encode({ ack: text('bin') })
      const all = join(one, two, three)
      for (let cut = 0; cut <= all.length; cut++) {
        const reader = new AckStream()
        const ids = [...reader.push(all.subarray(0, cut)), ...reader.push(all.subarray(cut))]
        expect(ids).toEqual(['p8n9gmxTQVC8/nh2wlKKeQ==', 'abc', 'bin'])
      }
    })

    it('AckStream rejects an answer that is not an ack, and bytes that are not msgpack', () => {
      expect(() => new AckStream().push(Uint8Array.of(0x92, 0x01, 0x02))).toThrow('answered [1,2], not an ack')
      expect(() => new AckStream().push(Uint8Array.of(0xc1))).toThrow(/not an ack \(byte 0xc1 is not msgpack\)/)
    })
  })
}

function digestCases(sha512: Sha512Hex): void {
  describe('handshake digests (reference §1.6 vectors)', () => {
    it('computes the client digest', async () => {
      expect(await sharedKeyDigest(sha512, salt, 'client.local', nonce, 'secret')).toBe(CLIENT_DIGEST)
    })

    it('computes the server digest', async () => {
      expect(await sharedKeyDigest(sha512, salt, 'server.local', nonce, 'secret')).toBe(SERVER_DIGEST)
    })

    it('computes the password digest', async () => {
      expect(await passwordDigest(sha512, authSalt, 'alice', 'pw')).toBe(PASSWORD_DIGEST)
    })

    it('hashes raw bytes, not re-encoded text (a non-UTF-8 salt)', async () => {
      const binarySalt = Uint8Array.of(0xff, 0xfe, 0x00, 0x80)
      const asText = new TextEncoder().encode(new TextDecoder().decode(binarySalt))
      expect(await sharedKeyDigest(sha512, binarySalt, 'h', nonce, 'k')).not.toBe(await sharedKeyDigest(sha512, asText, 'h', nonce, 'k'))
      // The same bytes given as text or as bytes hash the same.
      expect(await sharedKeyDigest(sha512, text(salt), text('client.local'), nonce, text('secret'))).toBe(CLIENT_DIGEST)
    })

    it('compares digests exactly', () => {
      expect(digestMatches(CLIENT_DIGEST, text(CLIENT_DIGEST))).toBe(true)
      expect(digestMatches(CLIENT_DIGEST, text(CLIENT_DIGEST.toUpperCase()))).toBe(false)
      expect(digestMatches(CLIENT_DIGEST, text(CLIENT_DIGEST.slice(1)))).toBe(false)
      expect(digestMatches(CLIENT_DIGEST, text(`${CLIENT_DIGEST.slice(0, -1)}3`))).toBe(false)
      expect(digestMatches('', new Uint8Array(0))).toBe(true)
    })

    it('makes nonces of 16 random bytes and salts as Fluentd does: 32 lowercase hex characters', () => {
      expect(newNonce()).toHaveLength(16)
      expect(hex(newNonce())).not.toBe(hex(newNonce()))
      expect(newSalt()).toMatch(/^[0-9a-f]{32}$/)
      expect(newSalt()).not.toBe(newSalt())
    })
  })
}

function messageCases(sha512: Sha512Hex): void {
  describe('handshake messages', () => {
    it('packs HELO with nonce and auth as bin8 and keepalive as a bool', () => {
      const bytes = encodeHelo({ nonce, auth: authSalt, keepalive: true })
      expect(hex(bytes.subarray(0, 6))).toBe('92a448454c4f') // ["HELO", ...
      expect(hex(bytes.subarray(6, 7))).toBe('83')
      expect(includes(bytes, join(fromHex('a56e6f6e6365c410'), nonce))).toBe(true)
      expect(includes(bytes, join(fromHex('a461757468c410'), authSalt))).toBe(true)
      expect(includes(bytes, fromHex('a96b656570616c697665c3'))).toBe(true)
      expect(readHelo(read(bytes))).toEqual({ nonce, auth: authSalt, keepalive: true })
    })

    it('reads a Fluent Bit HELO (str nonce, no keepalive) and a HELO without options', () => {
      const fb = encodeControl(['HELO', { nonce: new Raw(nonce, 'str'), auth: '' }])
      expect(readHelo(read(fb))).toEqual({ nonce, auth: new Uint8Array(0), keepalive: true })
      expect(readHelo(read(fromHex('92a448454c4f81a56e6f6e6365a3616263')))?.nonce).toEqual(text('abc'))
      expect(readHelo(read(encodeControl(['HELO', null])))).toEqual({ nonce: new Uint8Array(0), auth: new Uint8Array(0), keepalive: true })
      expect(readHelo(read(encodeControl(['HELO'])))).toBeNull()
      expect(readHelo(read(encodeControl(['HELLO', {}])))).toBeNull()
    })

    it('round-trips PING (6 str elements) and rejects other shapes', async () => {
      const bytes = encodePing({ hostname: 'client.local', salt, digest: CLIENT_DIGEST, username: '', passwordDigest: '' })
      expect(bytes[0]).toBe(0x96)
      expect(decode(bytes)).toEqual(['PING', 'client.local', salt, CLIENT_DIGEST, '', ''])
      const ping = readPing(read(bytes))!
      expect(new TextDecoder().decode(ping.hostname)).toBe('client.local')
      expect(new TextDecoder().decode(ping.salt)).toBe(salt)
      expect(digestMatches(CLIENT_DIGEST, ping.digest)).toBe(true)
      expect(readPing(read(encodeControl(['PING', 'h', salt, CLIENT_DIGEST, ''])))).toBeNull()
      expect(readPing(read(encodeControl(['PING', 'h', salt, CLIENT_DIGEST, '', 1])))).toBeNull()
      expect(readPing(read(encodeControl(['PING', 1, salt, CLIENT_DIGEST, '', ''])))).toBeNull()
      // fluent-logger sends nil for a missing username: Fluentd accepts it (compared only under user_auth).
      expect(readPing(read(encodeControl(['PING', 'h', salt, CLIENT_DIGEST, null, 'x'])))).toMatchObject({ username: new Uint8Array(0) })
      expect(readPing(read(encodeControl(['PONG', 'h', salt, CLIENT_DIGEST, '', ''])))).toBeNull()
      expect(await sharedKeyDigest(sha512, ping.salt, ping.hostname, nonce, 'secret')).toBe(CLIENT_DIGEST)
    })

    it('packs PONG success and failure as 5-element arrays', () => {
      expect(hex(encodePongFailure('shared_key mismatch'))).toBe(
        hex(join(fromHex('95a4504f4e47c2b3'), text('shared_key mismatch'), fromHex('a0a0'))),
      )
      expect(decode(encodePongOk('server.local', SERVER_DIGEST))).toEqual(['PONG', true, '', 'server.local', SERVER_DIGEST])
      const ok = readPong(read(encodePongOk('server.local', 'abc')))!
      expect(ok.ok).toBe(true)
      expect(new TextDecoder().decode(ok.hostname)).toBe('server.local')
      expect(readPong(read(encodeControl(['PONG', true, '', 'x'])))).toBeNull()
    })
  })
}

const client: ClientCredentials = { selfHostname: 'client.local', sharedKey: 'secret', username: '', password: '' }

/** Both ends of a handshake in memory: what the client wrote, and the server's answers queued. */
function pipe(answers: Uint8Array[]): HandshakeChannel & { written: Uint8Array[] } {
  const stream = new ObjectStream(16 * 1024)
  for (const a of answers) stream.push(a)
  const written: Uint8Array[] = []
  return {
    written,
    async next(what) {
      const r = stream.next()
      if (r.status !== 'ok') throw new Error(`no ${what}`)
      return r.value
    },
    write(bytes) {
      written.push(bytes)
    },
  }
}

function handshakeCases(sha512: Sha512Hex): void {
  describe('the handshake, client side (Fluentd out_forward)', () => {
    it('builds the 6-element PING of the §1.6 vectors, without user fields when HELO has no auth salt', async () => {
      const ping = await buildPing(sha512, { nonce, auth: new Uint8Array(0), keepalive: true }, client, salt)
      expect(decode(ping)).toEqual(['PING', 'client.local', salt, CLIENT_DIGEST, '', ''])
    })

    it('adds the user and its password digest when the HELO has an auth salt', async () => {
      const ping = await buildPing(
        sha512,
        { nonce, auth: authSalt, keepalive: true },
        { ...client, username: 'alice', password: 'pw' },
        salt,
      )
      expect((decode(ping) as string[]).slice(4)).toEqual(['alice', PASSWORD_DIGEST])
    })

    it("checks the PONG as Fluentd does: accepted, the server's reason, the same hostname, a forged digest, a wrong shape", async () => {
      const helo = { nonce, auth: new Uint8Array(0), keepalive: true }
      const pong = async (value: unknown[]) => checkPong(sha512, read(encodeControl(value as never)), helo, client, salt)
      expect(await pong(['PONG', true, '', 'server.local', SERVER_DIGEST])).toBe('server.local')
      const refused = await pong(['PONG', false, 'shared_key mismatch', '', ''])
      expect(refused).toBeInstanceOf(HandshakeError)
      expect(refused).toMatchObject({
        failure: 'refused',
        serverReason: 'shared_key mismatch',
        message: 'authentication failed: shared_key mismatch',
      })
      expect(await pong(['PONG', true, '', 'client.local', SERVER_DIGEST])).toMatchObject({
        failure: 'same-hostname',
        message: 'same hostname between input and output: invalid configuration',
      })
      expect(await pong(['PONG', true, '', 'server.local', 'f'.repeat(128)])).toMatchObject({
        failure: 'digest-mismatch',
        message: 'shared key mismatch',
      })
      expect(await pong(['PONG', true])).toMatchObject({
        failure: 'invalid-pong',
        message: expect.stringContaining('invalid format for PONG message'),
      })
    })

    it('runs HELO → PING → PONG over a channel, and refuses a first message that is not a HELO', async () => {
      const helo = encodeHelo({ nonce, auth: new Uint8Array(0), keepalive: true })
      const channel = pipe([helo, encodePongOk('server.local', SERVER_DIGEST)])
      expect(await clientHandshake(channel, client, sha512, salt)).toBe('server.local')
      expect(channel.written.map((w) => decode(w))).toEqual([['PING', 'client.local', salt, CLIENT_DIGEST, '', '']])
      await expect(clientHandshake(pipe([encodeControl({ ack: 'x' })]), client, sha512, salt)).rejects.toMatchObject({
        failure: 'invalid-helo',
        message: expect.stringContaining('received invalid helo message'),
      })
    })
  })

  describe('the handshake, server side (Fluentd in_forward)', () => {
    const ping = async (credentials: ClientCredentials, helo: { nonce: Uint8Array; auth: Uint8Array; keepalive: boolean }) =>
      readPing(read(await buildPing(sha512, helo, credentials, salt)))!

    it('answers a good PING with the PONG of the §1.6 vectors', async () => {
      const helo = { nonce, auth: authSalt, keepalive: true }
      const verdict = await answerPing(sha512, await ping(client, helo), helo, 'server.local', { sharedKey: 'secret', passwords: null })
      expect(verdict.ok).toBe(true)
      expect(decode(verdict.pong)).toEqual(['PONG', true, '', 'server.local', SERVER_DIGEST])
    })

    it("refuses a wrong shared key, then a wrong password, in Fluentd's order and words", async () => {
      const helo = { nonce, auth: authSalt, keepalive: true }
      const alice = { ...client, username: 'alice', password: 'pw' }
      const wrongKey = await answerPing(sha512, await ping({ ...alice, sharedKey: 'nope' }, helo), helo, 'server.local', {
        sharedKey: 'secret',
        passwords: [],
      })
      expect(wrongKey).toMatchObject({ ok: false, reason: 'shared_key mismatch' })
      expect(decode(wrongKey.pong)).toEqual(['PONG', false, 'shared_key mismatch', '', ''])
      const policy = (passwords: string[]) => ({ sharedKey: 'secret', passwords })
      expect(await answerPing(sha512, await ping(alice, helo), helo, 'server.local', policy(['other', 'pw']))).toMatchObject({ ok: true })
      expect(await answerPing(sha512, await ping(alice, helo), helo, 'server.local', policy(['other']))).toMatchObject({
        ok: false,
        reason: 'username/password mismatch',
      })
      expect(await answerPing(sha512, await ping(alice, helo), helo, 'server.local', policy([]))).toMatchObject({ ok: false })
    })

    it('talks to the client side: a fresh HELO, a fresh salt, accepted both ways', async () => {
      const helo = newHelo(false)
      expect(helo.nonce).toHaveLength(16)
      expect(helo.auth).toHaveLength(16)
      const credentials = { ...client, username: 'alice', password: 'pw' }
      const channel = pipe([encodeHelo(helo)])
      const next = channel.next.bind(channel)
      channel.next = async (what) => {
        if (what === 'PONG') {
          const verdict = await answerPing(sha512, readPing(read(channel.written[0]))!, helo, 'server.local', {
            sharedKey: 'secret',
            passwords: ['pw'],
          })
          return read(verdict.pong)
        }
        return next(what)
      }
      expect(await clientHandshake(channel, credentials, sha512)).toBe('server.local')
    })
  })
}
