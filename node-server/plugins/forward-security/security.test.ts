/**
 * @module Unit tests of the handshake codecs: the reference §1.6 test vectors (client, server and
 * password digests), the exact bytes of HELO/PING/PONG, and the bounded incremental reader
 * (need-more at every split point, broken msgpack, the size cap, raw non-UTF-8 bytes).
 */

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { digestMatches, newSalt, passwordDigest, sharedKeyDigest } from './digest.ts'
import { encodeHelo, encodePing, encodePongFailure, encodePongOk, readHelo, readPing, readPong } from './messages.ts'
import { encode, Raw, readObject, type Value } from '../../../engine/forward/msgpack.ts'

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
