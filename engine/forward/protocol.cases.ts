/**
 * @module The Forward protocol's wire pieces as ONE suite, run in every runtime that sends or
 * receives Forward (Node: engine/forward/protocol.test.ts and node-server/forward/; workerd:
 * edge/test/forward-protocol.test.ts): the PackedForward envelope bytes, ack writing and reading.
 * Runtime-neutral: no node:*, no Buffer.
 *
 * @example
 * runForwardProtocolSuite('node')
 */

import { decode, encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { ACK_PREFIX, AckReader, AckStream, ackChunk, jsonAck, msgpackAck } from './ack.ts'
import { envelope, envelopeHeader, envelopeOptions, forwardChunkId } from './envelope.ts'
import { Raw } from './msgpack.ts'

const text = (s: string) => new TextEncoder().encode(s)
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

/** Registers the suite under `describe(name)`. */
export function runForwardProtocolSuite(name: string): void {
  describe(`Forward protocol (${name})`, () => {
    envelopeCases()
    ackCases()
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
