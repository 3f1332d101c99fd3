/**
 * @module A chunk cut into NATS messages. The chunk's entries are walked once with the core and cut
 * at event boundaries so that every message (headers and envelope included) stays within the byte
 * budget and the event limit; the cut depends only on the chunk's bytes and the limits, so a chunk
 * written again gives the same messages (and the same Nats-Msg-Id ids). Each message is either
 * Forward msgpack — PackedForward `[tag, bin(entries), {"size": n}]`, or CompressedPackedForward
 * with `{"compressed": "gzip"}` — which any Forward reader (in_nats, in_forward, Fluentd) takes
 * back losslessly, or the formatted lines of its events. Events too large for any message are
 * handed back separately.
 */

import type { Core } from '../../../wasm/core.ts'
import { walkEntryRanges } from '../../../engine/output/entries.ts'

const textEncoder = new TextEncoder()

/** A run of whole entries `[start, end)` of the chunk that becomes one message. */
export interface Piece {
  start: number
  end: number
  count: number
}

export interface Cut {
  pieces: Piece[]
  /** Entries larger than the budget (each alone), as ranges of the chunk. */
  oversize: Piece[]
}

/** Largest Forward envelope around `tagBytes` of tag: array, str, bin32 header, option map (size, compressed). */
export function envelopeOverhead(tagBytes: number): number {
  return 1 + 5 + tagBytes + 5 + 1 + 5 + 5 + 11 + 5
}

/** Most bytes gzip can add to `n` bytes (stored blocks: 5 bytes per 16 KiB, plus header and trailer). */
export function gzipGrowth(n: number): number {
  return Math.ceil(n / 16384) * 5 + 32
}

/**
 * Cuts `entries` into pieces of at most `budget` bytes and `maxEvents` events, in order; a gap
 * (an invalid entry, skipped by the walk) always ends a piece. Null when `entries` is not a
 * complete entries stream.
 */
export function cutEntries(core: Core, entries: Uint8Array, budget: number, maxEvents: number): Cut | null {
  const pieces: Piece[] = []
  const oversize: Piece[] = []
  let start = -1
  let end = -1
  let count = 0
  const close = () => {
    if (count > 0) pieces.push({ start, end, count })
    count = 0
  }
  const ok = walkEntryRanges(core, entries, (s, e) => {
    if (e - s > budget) {
      close()
      oversize.push({ start: s, end: e, count: 1 })
      return
    }
    if (count > 0 && (s !== end || e - start > budget || count >= maxEvents)) close()
    if (count === 0) start = s
    end = e
    count++
  })
  if (!ok) return null
  close()
  return { pieces, oversize }
}

function uintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
}

function writeUint(out: Uint8Array, at: number, n: number): number {
  if (n < 0x80) {
    out[at] = n
    return at + 1
  }
  if (n < 0x100) {
    out[at] = 0xcc
    out[at + 1] = n
    return at + 2
  }
  if (n < 0x10000) {
    out[at] = 0xcd
    out[at + 1] = n >> 8
    out[at + 2] = n & 0xff
    return at + 3
  }
  out[at] = 0xce
  new DataView(out.buffer, out.byteOffset).setUint32(at + 1, n >>> 0)
  return at + 5
}

const SIZE_KEY = textEncoder.encode('size')
const COMPRESSED_KEY = textEncoder.encode('compressed')
const GZIP_VALUE = textEncoder.encode('gzip')

function writeStr(out: Uint8Array, at: number, bytes: Uint8Array): number {
  const n = bytes.length
  if (n < 32) out[at++] = 0xa0 | n
  else if (n < 0x100) {
    out[at++] = 0xd9
    out[at++] = n
  } else if (n < 0x10000) {
    out[at++] = 0xda
    out[at++] = n >> 8
    out[at++] = n & 0xff
  } else {
    out[at] = 0xdb
    new DataView(out.buffer, out.byteOffset).setUint32(at + 1, n)
    at += 5
  }
  out.set(bytes, at)
  return at + n
}

function strSize(n: number): number {
  return (n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5) + n
}

/**
 * `[tag, bin(payload), {"size": count}]`, plus `"compressed": "gzip"` when the payload is gzip
 * (CompressedPackedForward). One allocation, the payload copied once.
 */
export function forwardMessage(tag: Uint8Array, payload: Uint8Array, count: number, gzip: boolean): Uint8Array {
  const binHeader = payload.length < 0x100 ? 2 : payload.length < 0x10000 ? 3 : 5
  const options = 1 + strSize(SIZE_KEY.length) + uintSize(count) + (gzip ? strSize(COMPRESSED_KEY.length) + strSize(GZIP_VALUE.length) : 0)
  const out = new Uint8Array(1 + strSize(tag.length) + binHeader + payload.length + options)
  let at = 0
  out[at++] = 0x93
  at = writeStr(out, at, tag)
  const n = payload.length
  if (binHeader === 2) {
    out[at++] = 0xc4
    out[at++] = n
  } else if (binHeader === 3) {
    out[at++] = 0xc5
    out[at++] = n >> 8
    out[at++] = n & 0xff
  } else {
    out[at] = 0xc6
    new DataView(out.buffer, out.byteOffset).setUint32(at + 1, n)
    at += 5
  }
  out.set(payload, at)
  at += n
  out[at++] = gzip ? 0x82 : 0x81
  at = writeStr(out, at, SIZE_KEY)
  at = writeUint(out, at, count)
  if (gzip) {
    at = writeStr(out, at, COMPRESSED_KEY)
    at = writeStr(out, at, GZIP_VALUE)
  }
  return out
}

/** Formats one event: its tag, time and the record at `bytes[start, end)` (engine/output/formatters.ts). */
export type LineFormatter = (tag: string, sec: number, nsec: number, bytes: Uint8Array, start: number, end: number) => string

/**
 * Formatted messages: each event's line(s), joined into messages of at most `budget` bytes and
 * `maxEvents` events. Null when `entries` is not a complete entries stream.
 */
export function formattedMessages(
  core: Core,
  tag: string,
  entries: Uint8Array,
  format: LineFormatter,
  budget: number,
  maxEvents: number,
): { messages: Uint8Array[]; oversize: Piece[] } | null {
  const messages: Uint8Array[] = []
  const oversize: Piece[] = []
  let lines: string[] = []
  let bytes = 0
  const close = () => {
    if (lines.length > 0) messages.push(textEncoder.encode(lines.length === 1 ? lines[0] : lines.join('')))
    lines = []
    bytes = 0
  }
  const ok = walkEntryRanges(core, entries, (s, e, sec, nsec, rs, re, mem) => {
    const line = format(tag, sec, nsec, mem, rs, re)
    const size = Buffer.byteLength(line)
    if (size > budget) {
      close()
      oversize.push({ start: s, end: e, count: 1 })
      return
    }
    if (lines.length > 0 && (bytes + size > budget || lines.length >= maxEvents)) close()
    lines.push(line)
    bytes += size
  })
  if (!ok) return null
  close()
  return { messages, oversize }
}
