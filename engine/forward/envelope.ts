/**
 * @module The PackedForward message a sender writes per chunk (protocol §1.2, §2.2, with the
 * reference's §10 advice): `[tag, bin(entries), {"size": n, "chunk": id?, "compressed": "gzip"?}]`.
 * The entries travel as msgpack **bin** (the spec's form; Fluentd's str32 is accepted by every
 * receiver but is not what the spec says); the chunk id is a msgpack str (Fluent Bit refuses to
 * ack a bin chunk), standard base64 of the 16-byte chunk id (`forwardChunkId`). Only the header
 * and the option map are built here: the entries are written between them as they are (no
 * concatenation, no copy).
 *
 * @example
 * const [head, body, options] = envelope('app.web', entries, count, forwardChunkId(chunk.id), false)
 * socket.cork(); socket.write(head); socket.write(body); socket.write(options); socket.uncork()
 */

import { chunkIdBase64 } from '../output/chunk.ts'

const textEncoder = new TextEncoder()

/** The `chunk` option value for a 16-byte chunk id: standard base64, no trailing newline. */
export function forwardChunkId(id: Uint8Array): string {
  return chunkIdBase64(id)
}

/** Bytes of the smallest msgpack str header for `n` bytes. */
function strHeaderLength(n: number): number {
  return n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
}

/** Writes a str header for `n` bytes at `out[at]`; returns the position after it. */
function writeStrHeader(out: Uint8Array, at: number, n: number): number {
  if (n < 32) {
    out[at] = 0xa0 | n
    return at + 1
  }
  if (n < 0x100) {
    out[at] = 0xd9
    out[at + 1] = n
    return at + 2
  }
  if (n < 0x10000) {
    out[at] = 0xda
    out[at + 1] = n >> 8
    out[at + 2] = n & 0xff
    return at + 3
  }
  out[at] = 0xdb
  writeU32(out, at + 1, n)
  return at + 5
}

function writeU32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24
  out[at + 1] = (n >> 16) & 0xff
  out[at + 2] = (n >> 8) & 0xff
  out[at + 3] = n & 0xff
}

/** `93` + tag (str) + the smallest bin header for `entriesLength` bytes. */
export function envelopeHeader(tag: string, entriesLength: number): Uint8Array {
  const tagBytes = textEncoder.encode(tag)
  const n = entriesLength
  const binLength = n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
  const out = new Uint8Array(1 + strHeaderLength(tagBytes.length) + tagBytes.length + binLength)
  out[0] = 0x93
  let at = writeStrHeader(out, 1, tagBytes.length)
  out.set(tagBytes, at)
  at += tagBytes.length
  if (n < 0x100) {
    out[at] = 0xc4
    out[at + 1] = n
  } else if (n < 0x10000) {
    out[at] = 0xc5
    out[at + 1] = n >> 8
    out[at + 2] = n & 0xff
  } else {
    out[at] = 0xc6
    writeU32(out, at + 1, n)
  }
  return out
}

// The option map's keys and the "gzip" value, as msgpack fixstr.
const SIZE_KEY = Uint8Array.of(0xa4, ...textEncoder.encode('size'))
const CHUNK_KEY = Uint8Array.of(0xa5, ...textEncoder.encode('chunk'))
const COMPRESSED_GZIP = Uint8Array.of(0xaa, ...textEncoder.encode('compressed'), 0xa4, ...textEncoder.encode('gzip'))

/** The option map: `size` always, `chunk` when an ack is wanted, `compressed: "gzip"` when compressed. */
export function envelopeOptions(size: number, chunk: string | null, compressed: boolean): Uint8Array {
  const chunkBytes = chunk === null ? null : textEncoder.encode(chunk)
  const sizeLength = size < 0x80 ? 1 : size < 0x100 ? 2 : size < 0x10000 ? 3 : 5
  let length = 1 + SIZE_KEY.length + sizeLength
  if (chunkBytes !== null) length += CHUNK_KEY.length + strHeaderLength(chunkBytes.length) + chunkBytes.length
  if (compressed) length += COMPRESSED_GZIP.length
  const out = new Uint8Array(length)
  out[0] = 0x80 | (1 + (chunkBytes === null ? 0 : 1) + (compressed ? 1 : 0))
  out.set(SIZE_KEY, 1)
  let at = 1 + SIZE_KEY.length
  if (size < 0x80) out[at] = size
  else if (size < 0x100) {
    out[at] = 0xcc
    out[at + 1] = size
  } else if (size < 0x10000) {
    out[at] = 0xcd
    out[at + 1] = size >> 8
    out[at + 2] = size & 0xff
  } else {
    out[at] = 0xce
    writeU32(out, at + 1, size)
  }
  at += sizeLength
  if (chunkBytes !== null) {
    out.set(CHUNK_KEY, at)
    at = writeStrHeader(out, at + CHUNK_KEY.length, chunkBytes.length)
    out.set(chunkBytes, at)
    at += chunkBytes.length
  }
  if (compressed) out.set(COMPRESSED_GZIP, at)
  return out
}

/** The three parts of one message, to be written in order: header, the entries as they are, options. */
export function envelope(tag: string, entries: Uint8Array, count: number, chunk: string | null, compressed: boolean): Uint8Array[] {
  return [envelopeHeader(tag, entries.length), entries, envelopeOptions(count, chunk, compressed)]
}
