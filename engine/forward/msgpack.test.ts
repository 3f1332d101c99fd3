/**
 * @module The control-message codec: the bounded incremental reader (need-more at every split
 * point, broken msgpack, the size cap, raw non-UTF-8 bytes, never a throw on arbitrary bytes),
 * ObjectStream over a stream split anywhere, and the encoder's forms.
 */

import { encode as msgpackEncode } from '@msgpack/msgpack'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeValue, encode, ObjectStream, Raw, readObject, type Value } from './msgpack.ts'

const salt = '0123456789abcdef0123456789abcdef'
const fromHex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)))
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function read(bytes: Uint8Array): Value {
  const r = readObject(bytes, 0, 4096)
  if (r.status !== 'ok') throw new Error(`not ok: ${JSON.stringify(r)}`)
  return r.value
}

describe('readObject', () => {
  const msg = encode(['PING', 'h', salt, 'd'.repeat(128), 'u', 'p'.repeat(128)])

  it('asks for more at every split point, then reads the object and where it ends', () => {
    for (let cut = 0; cut < msg.length; cut++) expect(readObject(msg.subarray(0, cut), 0, 4096).status).toBe('more')
    const withTail = join(msg, Uint8Array.of(0x93, 0x01))
    const r = readObject(withTail, 0, 4096)
    expect(r).toMatchObject({ status: 'ok', end: msg.length })
  })

  it('reads from an offset', () => {
    const r = readObject(join(Uint8Array.of(0xc0), msg), 1, 4096)
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
    const bytes = fromHex('9ec0c2c3cc80cdffffce01020304d0ffd1fffed2fffffffecac0000000cb3ff0000000000000a2c3a8c402ff00d7000000000100000000')
    const v = read(bytes) as Value[]
    expect(v.slice(0, 9)).toEqual([null, false, true, 128, 65535, 0x01020304, -1, -2, -2])
    expect(v[9]).toBeCloseTo(-2.0)
    expect(v[10]).toBe(1)
    expect((v[11] as Raw).bytes).toEqual(Uint8Array.of(0xc3, 0xa8))
    expect((v[12] as Raw).kind).toBe('bin')
    expect(v[13]).toEqual({ ext: 0 })
  })
})

describe('ObjectStream', () => {
  const objects = [
    encode(['HELO', { nonce: new Uint8Array(16), auth: '', keepalive: true }]),
    msgpackEncode({ ack: 'abc' }),
    Uint8Array.of(0xc0),
  ]
  const all = join(...objects)

  it('reads objects split anywhere, in order, and keeps the rest', () => {
    for (let cut = 0; cut <= all.length; cut++) {
      const stream = new ObjectStream(1024)
      const got: Value[] = []
      for (const piece of [all.subarray(0, cut), all.subarray(cut)]) {
        stream.push(piece)
        for (let r = stream.next(); r.status === 'ok'; r = stream.next()) got.push(r.value)
      }
      expect(got.map((v) => describeValue(v))).toEqual([
        '["HELO",{"nonce":"bin:AAAAAAAAAAAAAAAAAAAAAA==","auth":"","keepalive":true}]',
        '{"ack":"abc"}',
        'null',
      ])
      expect(stream.buffered).toBe(0)
    }
    const stream = new ObjectStream(1024)
    stream.push(join(objects[1], Uint8Array.of(0x93, 0x01)))
    expect(stream.next().status).toBe('ok')
    expect(stream.next().status).toBe('more')
    expect([...stream.rest()]).toEqual([0x93, 0x01])
  })

  it('says invalid for an object longer than its cap', () => {
    const stream = new ObjectStream(8)
    stream.push(msgpackEncode({ ack: 'a longer chunk id' }))
    expect(stream.next()).toMatchObject({ status: 'invalid', reason: expect.stringContaining('8 bytes') })
  })
})

describe('encode', () => {
  it('writes the smallest forms, strings as str, bytes as bin', () => {
    const value = ['s', new Uint8Array(2), 300, 70_000, true, null, { k: new Raw(Uint8Array.of(1), 'bin') }]
    expect([...encode(value)]).toEqual([...msgpackEncode(['s', new Uint8Array(2), 300, 70_000, true, null, { k: Uint8Array.of(1) }])])
    expect(() => encode(-1)).toThrow(/cannot encode/)
  })

  it('describes values for log lines, cut to a length', () => {
    expect(describeValue(new Map<string, Value>([['a', 1n]]))).toBe('{"a":"1"}')
    expect(describeValue(new Raw(new Uint8Array(300), 'str'), 20)).toHaveLength(20)
  })
})
