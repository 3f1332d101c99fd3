/**
 * @module inflateMembers with a strict one-member inflater (what workerd's DecompressionStream
 * is): members found at their `1f 8b 08`, false candidates skipped, the cap over the sum, the
 * bound on candidates. workerd itself runs the shared suite's multi-member case (edge project).
 */

import { gzipSync, inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { BodyError } from './body.ts'
import { inflateMembers, type InflateOne } from './gzip-members.ts'

/** One member exactly, or an error (a cut member, or bytes after its trailer). */
const strict: InflateOne = async (member, cap) => {
  const out = inflateRawSync(member.subarray(10), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } }
  if (10 + out.engine.bytesWritten + 8 !== member.length) throw new Error('Trailing bytes after end of compressed data')
  if (out.buffer.length > cap) throw new BodyError('decompressed body exceeds decompression_size_limit', 413)
  return new Uint8Array(out.buffer)
}

const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('inflateMembers', () => {
  it('inflates every member in order', async () => {
    const body = Buffer.concat([gzipSync('{"n":1}\n'), gzipSync('{"n":2}\n'), gzipSync('x'.repeat(5000))])
    expect(text(await inflateMembers(body, 1e6, strict))).toBe(`{"n":1}\n{"n":2}\n${'x'.repeat(5000)}`)
  })

  it('skips a 1f 8b 08 inside a member (stored data)', async () => {
    const tricky = Buffer.concat([Buffer.from('abc'), Buffer.from([0x1f, 0x8b, 0x08]), Buffer.from('def')])
    const body = Buffer.concat([gzipSync(tricky, { level: 0 }), gzipSync('end')])
    expect(Buffer.from(await inflateMembers(body, 1e6, strict))).toEqual(Buffer.concat([tricky, Buffer.from('end')]))
  })

  it('applies the cap to the sum of the members, and refuses garbage after the last one', async () => {
    const body = Buffer.concat([gzipSync('a'.repeat(600)), gzipSync('b'.repeat(600))])
    await expect(inflateMembers(body, 1000, strict)).rejects.toMatchObject({ status: 413 })
    await expect(inflateMembers(Buffer.concat([gzipSync('a'), Buffer.from('junk')]), 1000, strict)).rejects.toThrow(/Trailing/)
  })

  it('gives up after 64 false candidates in one member', async () => {
    const many = Buffer.concat(Array.from({ length: 100 }, () => Buffer.from([0x1f, 0x8b, 0x08, 0x20])))
    const body = Buffer.concat([gzipSync(many, { level: 0 }), gzipSync('end')])
    await expect(inflateMembers(body, 1e6, strict)).rejects.toThrow('no gzip member end found after 64 candidates')
  })
})
