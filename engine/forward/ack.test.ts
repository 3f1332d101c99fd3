/**
 * @module The ack readers' fast path (the usual `81 a3 "ack"` + str) agrees with the general
 * msgpack reader on every form of ack: str and bin of every header size, split anywhere, and
 * answers that are not acks. (The ack cases of the shared suite are in protocol.cases.ts.)
 */

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AckReader, AckStream } from './ack.ts'

/** An ack with the id in a chosen form: fixstr/str8/str16/str32 or bin8/bin16/bin32. */
function ack(id: Uint8Array, form: number): Uint8Array {
  const n = id.length
  const headers = [
    n < 32 ? [0xa0 | n] : null,
    [0xd9, n],
    [0xda, n >> 8, n & 0xff],
    [0xdb, 0, 0, n >> 8, n & 0xff],
    [0xc4, n],
    [0xc5, n >> 8, n & 0xff],
    [0xc6, 0, 0, n >> 8, n & 0xff],
  ]
  const header = headers[form] ?? headers[1]!
  return Uint8Array.from([0x81, 0xa3, 0x61, 0x63, 0x6b, ...header, ...id])
}

const join = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]))
const id = fc.string({ minLength: 0, maxLength: 40, unit: fc.constantFrom(...'ABCDEFabcdef0123456789+/=\n'.split('')) })

describe('ack readers, every form', () => {
  it('AckStream reads every form of ack split at any point', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(id, fc.nat(6)), { minLength: 1, maxLength: 5 }), fc.nat(), (acks, cut) => {
        const bytes = join(acks.map(([text, form]) => ack(new TextEncoder().encode(text), form)))
        const at = cut % (bytes.length + 1)
        const stream = new AckStream()
        expect([...stream.push(bytes.subarray(0, at)), ...stream.push(bytes.subarray(at))]).toEqual(acks.map(([text]) => text))
      }),
      { numRuns: 500, seed: 11 },
    )
  })

  it('AckReader accepts our id in every form, byte by byte, and nothing else', () => {
    fc.assert(
      fc.property(id, fc.nat(6), id, (mine, form, other) => {
        const bytes = ack(new TextEncoder().encode(mine), form)
        const reader = new AckReader(mine)
        for (let i = 0; i < bytes.length - 1; i++) expect(reader.push(bytes.subarray(i, i + 1))).toBe('more')
        expect(reader.push(bytes.subarray(bytes.length - 1))).toBe('ok')
        const wrong = new AckReader(`${other}x`)
        expect(wrong.push(bytes)).toBe('mismatch')
        expect(wrong.answered).toMatch(/^\{"ack":"/)
      }),
      { numRuns: 300, seed: 12 },
    )
  })
})
