/**
 * @module readBodyWithin: a body with Content-Length judged up front, a body of unknown length
 * read as a byte stream (one growing buffer) or chunk by chunk, each up to body_size_limit exactly
 * and refused (null) one byte past it.
 */

import { describe, expect, it } from 'vitest'
import { readBodyWithin } from './body.ts'

/** `total` bytes (i mod 251) in chunks of `chunk` bytes, as a byte stream or a plain one. */
function streamOf(total: number, chunk: number, bytes: boolean): ReadableStream<Uint8Array> {
  const data = Uint8Array.from({ length: total }, (_, i) => i % 251)
  let at = 0
  const next = () => {
    const part = data.slice(at, Math.min(total, at + chunk))
    at += part.length
    return part
  }
  if (bytes) {
    return new ReadableStream({
      type: 'bytes',
      pull(controller) {
        if (at >= total) {
          controller.close()
          controller.byobRequest?.respond(0)
          return
        }
        controller.enqueue(next())
      },
    }) as ReadableStream<Uint8Array>
  }
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= total) controller.close()
      else controller.enqueue(next())
    },
  })
}

const post = (body: ReadableStream<Uint8Array> | Uint8Array, headers: Record<string, string> = {}) =>
  new Request('http://ingest.test/app', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)

const expected = (total: number) => Uint8Array.from({ length: total }, (_, i) => i % 251)

describe('readBodyWithin', () => {
  for (const bytes of [true, false]) {
    it.each([
      [0, 1000, 100],
      [1, 1000, 100],
      [16 * 1024 - 1, 100_000, 4096],
      [16 * 1024, 100_000, 16 * 1024],
      [16 * 1024 + 1, 100_000, 5000],
      [100_000, 100_000, 7000],
      [70_000, 100_000, 65_536],
    ])(`${bytes ? 'a byte stream' : 'a plain stream'} of %i bytes within %i (chunks of %i) arrives whole`, async (total, limit, chunk) => {
      const body = await readBodyWithin(post(streamOf(total, chunk, bytes)), limit)
      expect(body).toEqual(expected(total))
    })

    it.each([
      [1001, 1000, 100],
      [100_001, 100_000, 7000],
      [200_000, 100_000, 65_536],
      [20_000, 16 * 1024 - 1, 20_000],
    ])(`${bytes ? 'a byte stream' : 'a plain stream'} of %i bytes past %i (chunks of %i) is refused`, async (total, limit, chunk) => {
      expect(await readBodyWithin(post(streamOf(total, chunk, bytes)), limit)).toBeNull()
    })
  }

  it('judges a Content-Length before reading, and reads such a body at once', async () => {
    const body = expected(5000)
    expect(await readBodyWithin(post(body, { 'content-length': '5000' }), 5000)).toEqual(body)
    expect(await readBodyWithin(post(body, { 'content-length': '5000' }), 4999)).toBeNull()
    expect(await readBodyWithin(new Request('http://ingest.test/app', { method: 'POST' }), 10)).toEqual(new Uint8Array(0))
  })
})
