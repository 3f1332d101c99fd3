/**
 * @module Checks the hand-written wire bytes and expected results in core-checks.ts against an
 * independent msgpack decoder, so the literals every runtime is compared with are themselves right.
 */
import { describe, expect, it } from 'vitest'
import { decode, decodeMulti, ExtData } from '@msgpack/msgpack'
import { EXPECTED, FIXTURES, hex, toHex } from './core-checks.ts'

const SEC = 1441588984

function eventTime(sec: number, nsec: number): ExtData {
  const data = new Uint8Array(8)
  const view = new DataView(data.buffer)
  view.setUint32(0, sec)
  view.setUint32(4, nsec)
  return new ExtData(0, data)
}

// No timestamp extension: an ext type 0 stays an ExtData, exactly as on the wire.
const opts = { useBigInt64: false }

describe('hand-written fixtures', () => {
  it('hex and toHex round-trip', () => {
    expect(toHex(hex(FIXTURES.packed))).toBe(FIXTURES.packed)
  })

  it('messageInt is ["tag.a", 1441588984, {k: v}]', () => {
    expect(decode(hex(FIXTURES.messageInt), opts)).toEqual(['tag.a', SEC, { k: 'v' }])
  })

  it('messageEventTime is ["tag.a", EventTime(1441588984, 123456789), {k: v}]', () => {
    expect(decode(hex(FIXTURES.messageEventTime), opts)).toEqual(['tag.a', eventTime(SEC, 123456789), { k: 'v' }])
  })

  it('forward is ["tag.a", [[1441588984, {k: v}]]]', () => {
    expect(decode(hex(FIXTURES.forward), opts)).toEqual(['tag.a', [[SEC, { k: 'v' }]]])
  })

  it('forwardSealed is the forward message plus {size: 1}', () => {
    expect(decode(hex(FIXTURES.forwardSealed), opts)).toEqual(['tag.a', [[SEC, { k: 'v' }]], { size: 1 }])
  })

  it('packed carries two entries in a bin and {size: 2}', () => {
    const [tag, payload, options] = decode(hex(FIXTURES.packed), opts) as [string, Uint8Array, unknown]
    expect(tag).toBe('tag.a')
    expect(options).toEqual({ size: 2 })
    expect([...decodeMulti(payload, opts)]).toEqual([
      [SEC, { k: 'v' }],
      [eventTime(SEC + 1, 1), { k: 'w' }],
    ])
  })

  it('packedSealed carries two EventTime entries, {size: 2, chunk: "abc"}', () => {
    const [tag, payload, options] = decode(hex(FIXTURES.packedSealed), opts) as [string, Uint8Array, unknown]
    expect(tag).toBe('tag.a')
    expect(options).toEqual({ size: 2, chunk: 'abc' })
    expect([...decodeMulti(payload, opts)]).toEqual([
      [eventTime(SEC, 123456789), { k: 'v' }],
      [eventTime(SEC + 1, 1), { k: 'w' }],
    ])
  })

  it('expected ranges point at the right bytes', () => {
    type Ev = { record: [number, number]; entry: [number, number] }
    type Msg = { start: number; end: number; tag: [number, number]; events: Ev[] }
    for (const name of ['messageInt', 'messageEventTime', 'forward', 'packed', 'packedSealed'] as const) {
      const bytes = hex(FIXTURES[name])
      const out = EXPECTED[name] as { consumed: number; messages: Msg[] }
      expect(out.consumed, name).toBe(bytes.length)
      for (const m of out.messages) {
        expect(new TextDecoder().decode(bytes.subarray(m.tag[0], m.tag[1])), name).toBe('tag.a')
        for (const e of m.events) {
          expect(decode(bytes.subarray(e.record[0], e.record[1])), name).toEqual(expect.objectContaining({ k: expect.any(String) }))
          const entry = bytes.subarray(e.entry[0], e.entry[1])
          // Message mode's entry spans two elements (time, record); the other modes' entries are 2-arrays
          if (name.startsWith('message')) expect([...decodeMulti(entry, opts)], name).toHaveLength(2)
          else expect(decode(entry, opts), name).toHaveLength(2)
        }
      }
    }
  })
})
