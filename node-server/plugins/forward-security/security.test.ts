/**
 * @module Unit tests of the handshake codecs: the reference §1.6 test vectors (client, server and
 * password digests), the exact bytes of HELO/PING/PONG, and the bounded incremental reader
 * (need-more at every split point, broken msgpack, the size cap, raw non-UTF-8 bytes).
 */

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { digestMatches, newSalt, passwordDigest, sharedKeyDigest } from './digest.ts'
import { encodeHelo, encodePing, encodePongFailure, encodePongOk, readHelo, readPing, readPong } from './messages.ts'
import { encode, Raw, readObject, type Value } from './msgpack.ts'

const nonce = Uint8Array.from({ length: 16 }, (_, i) => i)
const authSalt = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i)
const salt = '0123456789abcdef0123456789abcdef'

function read(bytes: Uint8Array): Value {
  const r = readObject(bytes, 0, 4096)
  if (r.status !== 'ok') throw new Error(`not ok: ${JSON.stringify(r)}`)
  return r.value
}

describe('handshake digests (reference §1.6 vectors)', () => {
  it('computes the client digest', () => {
    expect(sharedKeyDigest(salt, 'client.local', nonce, 'secret')).toBe(
      'a54fe9112dac486b14cd266c34b8e43ff15364c6ab2b554be73e2745cd5b8bf054018aea3a3a724eedef9f13a4ea275d7cfbb16ec58c7159f2a262075d9be592',
    )
  })

  it('computes the server digest', () => {
    expect(sharedKeyDigest(salt, 'server.local', nonce, 'secret')).toBe(
      'ae64607f4e21f2f9522035385b6834f3f757999334e1afe8ed95719ff5eafd31ffcea9aaef407bfd8c6caebd09905aa242f4f4a0846a3494f4287c292d0525e2',
    )
  })

  it('computes the password digest', () => {
    expect(passwordDigest(authSalt, 'alice', 'pw')).toBe(
      '175443d1726b2836999b8b7b54c1fcf0a2ec1071f20fbec9f6e0a7594cf70f208e7ed315db82d7e4f45981d04990e9b9b46ea8f69444a5cf5e25601d72aa83e5',
    )
  })

  it('hashes raw bytes, not re-encoded text (a non-UTF-8 salt)', () => {
    const binarySalt = Uint8Array.of(0xff, 0xfe, 0x00, 0x80)
    const asText = new TextEncoder().encode(new TextDecoder().decode(binarySalt))
    expect(sharedKeyDigest(binarySalt, 'h', nonce, 'k')).not.toBe(sharedKeyDigest(asText, 'h', nonce, 'k'))
  })

  it('compares digests exactly', () => {
    const d = sharedKeyDigest(salt, 'client.local', nonce, 'secret')
    expect(digestMatches(d, Buffer.from(d))).toBe(true)
    expect(digestMatches(d, Buffer.from(d.toUpperCase()))).toBe(false)
    expect(digestMatches(d, Buffer.from(d.slice(1)))).toBe(false)
  })

  it('makes salts as Fluentd does: 32 lowercase hex characters', () => {
    expect(newSalt()).toMatch(/^[0-9a-f]{32}$/)
    expect(newSalt()).not.toBe(newSalt())
  })
})

describe('handshake messages', () => {
  it('packs HELO with nonce and auth as bin8 and keepalive as a bool', () => {
    const bytes = Buffer.from(encodeHelo({ nonce, auth: authSalt, keepalive: true }))
    expect(bytes.subarray(0, 6).toString('hex')).toBe('92a448454c4f') // ["HELO", ...
    expect(bytes.subarray(6, 7).toString('hex')).toBe('83')
    expect(bytes.includes(Buffer.concat([Buffer.from('a56e6f6e6365c410', 'hex'), Buffer.from(nonce)]))).toBe(true)
    expect(bytes.includes(Buffer.concat([Buffer.from('a461757468c410', 'hex'), Buffer.from(authSalt)]))).toBe(true)
    expect(bytes.includes(Buffer.from('a96b656570616c697665c3', 'hex'))).toBe(true)
    expect(readHelo(read(bytes))).toEqual({ nonce, auth: authSalt, keepalive: true })
  })

  it('reads a Fluent Bit HELO (str nonce, no keepalive) and a HELO without options', () => {
    const fb = encode(['HELO', { nonce: new Raw(nonce, 'str'), auth: '' }])
    expect(readHelo(read(fb))).toEqual({ nonce, auth: new Uint8Array(0), keepalive: true })
    expect(readHelo(read(encode(['HELO', null])))).toEqual({ nonce: new Uint8Array(0), auth: new Uint8Array(0), keepalive: true })
    expect(readHelo(read(encode(['HELO'])))).toBeNull()
    expect(readHelo(read(encode(['HELLO', {}])))).toBeNull()
  })

  it('round-trips PING (6 str elements) and rejects other shapes', () => {
    const digest = sharedKeyDigest(salt, 'client.local', nonce, 'secret')
    const bytes = encodePing({ hostname: 'client.local', salt, digest, username: '', passwordDigest: '' })
    expect(bytes[0]).toBe(0x96)
    const ping = readPing(read(bytes))!
    expect(Buffer.from(ping.hostname).toString()).toBe('client.local')
    expect(Buffer.from(ping.salt).toString()).toBe(salt)
    expect(digestMatches(digest, ping.digest)).toBe(true)
    expect(readPing(read(encode(['PING', 'h', salt, digest, ''])))).toBeNull()
    expect(readPing(read(encode(['PING', 'h', salt, digest, '', 1])))).toBeNull()
    expect(readPing(read(encode(['PING', 1, salt, digest, '', ''])))).toBeNull()
    // fluent-logger sends nil for a missing username: Fluentd accepts it (compared only under user_auth).
    expect(readPing(read(encode(['PING', 'h', salt, digest, null, 'x'])))).toMatchObject({ username: new Uint8Array(0) })
    expect(readPing(read(encode(['PONG', 'h', salt, digest, '', ''])))).toBeNull()
  })

  it('packs PONG success and failure as 5-element arrays', () => {
    expect(Buffer.from(encodePongFailure('shared_key mismatch')).toString('hex')).toBe(
      Buffer.concat([Buffer.from('95a4504f4e47c2b3', 'hex'), Buffer.from('shared_key mismatch'), Buffer.from('a0a0', 'hex')]).toString(
        'hex',
      ),
    )
    const ok = readPong(read(encodePongOk('server.local', 'abc')))!
    expect(ok.ok).toBe(true)
    expect(Buffer.from(ok.hostname).toString()).toBe('server.local')
    expect(readPong(read(encode(['PONG', true, '', 'x'])))).toBeNull()
  })
})

describe('readObject', () => {
  const msg = encodePing({ hostname: 'h', salt, digest: 'd'.repeat(128), username: 'u', passwordDigest: 'p'.repeat(128) })

  it('asks for more at every split point, then reads the object and where it ends', () => {
    for (let cut = 0; cut < msg.length; cut++) expect(readObject(msg.subarray(0, cut), 0, 4096).status).toBe('more')
    const withTail = Buffer.concat([msg, Buffer.from([0x93, 0x01])])
    const r = readObject(withTail, 0, 4096)
    expect(r).toMatchObject({ status: 'ok', end: msg.length })
  })

  it('reads from an offset', () => {
    const r = readObject(Buffer.concat([Buffer.from([0xc0]), msg]), 1, 4096)
    expect(r).toMatchObject({ status: 'ok', end: msg.length + 1 })
  })

  it('is invalid on a never-used byte, too deep nesting, or more than the cap (even announced)', () => {
    expect(readObject(Uint8Array.of(0x92, 0xc1), 0, 100)).toMatchObject({ status: 'invalid' })
    expect(readObject(Uint8Array.of(0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x01), 0, 100)).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining('deep'),
    })
    expect(readObject(msg, 0, 100)).toMatchObject({ status: 'invalid', reason: expect.stringContaining('100 bytes') })
    expect(readObject(Uint8Array.of(0xdb, 0x7f, 0xff, 0xff, 0xff), 0, 4096)).toMatchObject({ status: 'invalid' })
    expect(readObject(Uint8Array.of(0xdd, 0x7f, 0xff, 0xff, 0xff), 0, 4096)).toMatchObject({ status: 'invalid' })
  })

  it('never throws on arbitrary bytes, and gives the same answer however the bytes are split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, cut) => {
        const whole = readObject(bytes, 0, 128)
        const at = bytes.length === 0 ? 0 : cut % bytes.length
        const head = readObject(bytes.subarray(0, at), 0, 128)
        if (whole.status === 'ok') expect(head.status === 'more' || (head.status === 'ok' && head.end === whole.end)).toBe(true)
        if (whole.status === 'more') expect(head.status).toBe('more')
      }),
      { numRuns: 2000, seed: 7 },
    )
  })

  it('decodes every scalar form and keeps strings as raw bytes', () => {
    const bytes = Buffer.from(
      '9ec0c2c3cc80cdffffce01020304d0ffd1fffed2fffffffecac0000000cb3ff0000000000000a2c3a8c402ff00d7000000000100000000',
      'hex',
    )
    const v = read(bytes) as Value[]
    expect(v.slice(0, 9)).toEqual([null, false, true, 128, 65535, 0x01020304, -1, -2, -2])
    expect(v[9]).toBeCloseTo(-2.0)
    expect(v[10]).toBe(1)
    expect((v[11] as Raw).bytes).toEqual(Uint8Array.of(0xc3, 0xa8))
    expect((v[12] as Raw).kind).toBe('bin')
    expect(v[13]).toEqual({ ext: 0 })
  })
})
