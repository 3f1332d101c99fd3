/**
 * @module AckReader: the ack for our chunk as str (Fluentd, sluice) or bin (tolerated), split
 * across reads; anything else is a mismatch.
 */

import { encode } from '@msgpack/msgpack'
import { describe, expect, it } from 'vitest'
import { AckReader } from './ack.ts'

describe('AckReader', () => {
  it('accepts {"ack": id} as str, also when it arrives one byte at a time', () => {
    const bytes = encode({ ack: 'p8n9gmxTQVC8/nh2wlKKeQ==' })
    const reader = new AckReader('p8n9gmxTQVC8/nh2wlKKeQ==')
    for (let i = 0; i < bytes.length - 1; i++) expect(reader.push(bytes.subarray(i, i + 1))).toBe('more')
    expect(reader.push(bytes.subarray(bytes.length - 1))).toBe('ok')
  })

  it('tolerates the id as bin', () => {
    expect(new AckReader('abc').push(encode({ ack: new TextEncoder().encode('abc') }))).toBe('ok')
  })

  it('reports another id, extra bytes, or something else as a mismatch', () => {
    expect(new AckReader('abc').push(encode({ ack: 'abd' }))).toBe('mismatch')
    expect(new AckReader('abc').push(Buffer.concat([encode({ ack: 'abc' }), encode({ ack: 'abc' })]))).toBe('mismatch')
    expect(new AckReader('abc').push(encode(['abc']))).toBe('mismatch')
    const broken = new AckReader('abc')
    expect(broken.push(Uint8Array.of(0xc1))).toBe('mismatch')
    expect(String(broken.answered)).toMatch(/^undecodable/)
    expect(new AckReader('abc').push(Uint8Array.of(0xdb, 0, 1, 0, 0, 0x61))).toBe('more')
    expect(new AckReader('abc').push(new Uint8Array(5000).fill(0x91))).toBe('mismatch')
  })
})
