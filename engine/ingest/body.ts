/**
 * @module Request body decoding: `Content-Encoding: gzip` (every member) or `deflate` (zlib, or
 * raw deflate as some clients send it) inflated with the runtime's DecompressionStream, stopped as
 * soon as the output passes the decompression cap. The compressed size is bounded before this by
 * the body limit (readBodyWithin: the body as sent, at most body_size_limit bytes); this cap bounds
 * what a small compressed body can expand into.
 */

import { concat } from '../event-stream.ts'
import { inflateMembers } from './gzip-members.ts'

export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message)
  }
}

/** Inflates `body` per the Content-Encoding header value; identity/absent returns it as is. */
export async function decodeContentEncoding(body: Uint8Array, encoding: string | null, cap: number): Promise<Uint8Array> {
  const coding = (encoding ?? '').trim().toLowerCase()
  if (coding === '' || coding === 'identity') return body
  if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'deflate') {
    throw new BodyError(`unsupported Content-Encoding: ${coding} (supported: gzip, deflate)`)
  }
  if (body.length === 0) return body
  const format: CompressionFormat = coding === 'deflate' ? (isZlibHeader(body) ? 'deflate' : 'deflate-raw') : 'gzip'
  try {
    return await inflate(body, format, cap)
  } catch (error) {
    // workerd inflates one gzip member and refuses the rest (Node reads them all): split them.
    if (format !== 'gzip' || !(error instanceof BodyError) || !/trailing bytes/i.test(error.message)) throw error
    return inflateMembers(body, cap, (member, rest) => inflate(member, 'gzip', rest))
  }
}

/** A zlib stream starts with CMF/FLG: method 8 and a header checksum divisible by 31. */
function isZlibHeader(b: Uint8Array): boolean {
  return b.length >= 2 && (b[0] & 0x0f) === 8 && ((b[0] << 8) | b[1]) % 31 === 0
}

async function inflate(body: Uint8Array, format: CompressionFormat, cap: number): Promise<Uint8Array> {
  const stream = new DecompressionStream(format)
  const writer = stream.writable.getWriter()
  // Errors surface on the reading side; these promises only must not be left unhandled.
  writer.write(body as Uint8Array<ArrayBuffer>).catch(() => {})
  writer.close().catch(() => {})
  const reader = stream.readable.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.length
      if (total > cap) {
        reader.cancel().catch(() => {})
        throw new BodyError(`decompressed body exceeds decompression_size_limit (${cap} bytes)`, 413)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof BodyError) throw error
    throw new BodyError(
      `cannot decode ${format === 'gzip' ? 'gzip' : 'deflate'} body: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  return concat(chunks)
}

/**
 * The request's body bytes when they are within `limit` (null past it), read once: a Content-Length
 * (without Transfer-Encoding) is judged before anything is read, as hono's bodyLimit does; a body
 * without one is counted as it streams in and dropped as soon as it passes the limit.
 */
export async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array | null> {
  if (request.body === null) return new Uint8Array(0)
  const headers = request.headers
  if (headers.has('content-length') && !headers.has('transfer-encoding')) {
    if (Number.parseInt(headers.get('content-length') || '0', 10) > limit) return null
    return new Uint8Array(await request.arrayBuffer())
  }
  let byob: ReadableStreamBYOBReader
  try {
    byob = request.body.getReader({ mode: 'byob' })
  } catch {
    return readChunksWithin(request.body.getReader(), limit) // not a byte stream
  }
  return readBytesWithin(byob, limit)
}

/** The first buffer of a body of unknown length (grown by doubling, up to limit + 1 bytes). */
const FIRST_BUFFER = 16 * 1024

/**
 * A byte stream into one growing buffer (no chunk objects, no concat: workerd's request bodies are
 * byte streams, and this costs the isolate a third less than reading chunks). A read transfers the
 * buffer it fills, so the buffer is always the one the last read gave back.
 */
async function readBytesWithin(reader: ReadableStreamBYOBReader, limit: number): Promise<Uint8Array | null> {
  const most = limit + 1
  let buffer = new Uint8Array(Math.min(FIRST_BUFFER, most))
  let size = 0
  for (;;) {
    if (size === buffer.length) {
      if (size > limit) {
        reader.cancel().catch(() => {})
        return null
      }
      const grown = new Uint8Array(Math.min(buffer.length * 2, most))
      grown.set(buffer)
      buffer = grown
    }
    const { done, value } = await reader.read(buffer.subarray(size))
    if (value !== undefined) buffer = new Uint8Array(value.buffer)
    if (done) break
    size += value!.length
  }
  return buffer.subarray(0, size)
}

async function readChunksWithin(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > limit) {
      reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  return concat(chunks)
}
