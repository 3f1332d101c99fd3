/**
 * @module `sluice bench --seq`: every event carries a unique sequence number so a receiver can
 * count delivered, duplicated and lost events. Each message is built when it is sent (the pool's
 * record with a `seq` key inserted first: the map header grows by one, then `"seq": <uint>`), in
 * the same four modes as the pre-built units; `RangeSet` keeps which numbers were acknowledged as
 * merged `[from, to)` ranges (the JSON result carries them).
 */

import { gzipSync } from 'node:zlib'
import type { BenchMode } from './options.ts'
import { CHUNK_ID_LENGTH } from './payloads.ts'
import type { RecordPool } from './records.ts'

function strHeader(n: number): Buffer {
  if (n < 32) return Buffer.from([0xa0 | n])
  if (n < 256) return Buffer.from([0xd9, n])
  if (n < 65536) return Buffer.from([0xda, n >> 8, n & 0xff])
  const b = Buffer.alloc(5)
  b[0] = 0xdb
  b.writeUInt32BE(n, 1)
  return b
}

const str = (s: string) => {
  const bytes = Buffer.from(s, 'utf8')
  return Buffer.concat([strHeader(bytes.length), bytes])
}

function uint(n: number): Buffer {
  if (n < 128) return Buffer.from([n])
  if (n < 256) return Buffer.from([0xcc, n])
  if (n < 65536) return Buffer.from([0xcd, n >> 8, n & 0xff])
  if (n < 2 ** 32) {
    const b = Buffer.alloc(5)
    b[0] = 0xce
    b.writeUInt32BE(n, 1)
    return b
  }
  const b = Buffer.alloc(9)
  b[0] = 0xcf
  b.writeBigUInt64BE(BigInt(n), 1)
  return b
}

const SEQ_KEY = str('seq')
const CHUNK_KEY = str('chunk')
const SIZE_KEY = str('size')

/** The record with `"seq": n` as its first key (the record must be a msgpack map). */
export function withSeq(record: Uint8Array, seq: number): Buffer {
  const h = record[0]
  let head: Buffer
  let rest: Uint8Array
  if (h >= 0x80 && h <= 0x8e) {
    head = Buffer.from([h + 1])
    rest = record.subarray(1)
  } else if (h === 0x8f) {
    head = Buffer.from([0xde, 0, 16])
    rest = record.subarray(1)
  } else if (h === 0xde) {
    const n = (record[1] << 8) | record[2]
    head = n < 0xffff ? Buffer.from([0xde, (n + 1) >> 8, (n + 1) & 0xff]) : Buffer.from([0xdf, 0, 1, 0, 0])
    rest = record.subarray(3)
  } else if (h === 0xdf) {
    head = Buffer.alloc(5)
    head[0] = 0xdf
    head.writeUInt32BE(Buffer.from(record.buffer, record.byteOffset + 1, 4).readUInt32BE(0) + 1, 1)
    rest = record.subarray(5)
  } else {
    throw new Error('sluice bench --seq: a record is not a msgpack map')
  }
  return Buffer.concat([head, SEQ_KEY, uint(seq), rest])
}

/** Builds messages whose events carry `seq` numbers, one message per call. */
export class SeqMessages {
  private readonly tag: Buffer
  private readonly time: Buffer

  constructor(
    private readonly pool: RecordPool,
    readonly mode: BenchMode,
    tagText: string,
    readonly ack: boolean,
    now = Date.now(),
  ) {
    this.tag = str(tagText)
    this.time = Buffer.alloc(10)
    this.time[0] = 0xd7
    this.time[1] = 0x00
    this.time.writeUInt32BE(Math.floor(now / 1000), 2)
    this.time.writeUInt32BE((now % 1000) * 1e6, 6)
  }

  private record(seq: number): Buffer {
    const r = this.pool.records
    return withSeq(r[seq % r.length], seq)
  }

  /**
   * The message for events `first … first + events − 1`, without its chunk id when acks are asked
   * for (the caller appends the 24-byte id, as with the pre-built units). Message mode: `events`
   * Message-mode objects back to back (each needs its own id: use events = 1 there with acks).
   */
  build(first: number, events: number): { prefix: Buffer; recordBytes: number } {
    const records: Buffer[] = []
    let recordBytes = 0
    for (let i = 0; i < events; i++) {
      const r = this.record(first + i)
      records.push(r)
      recordBytes += r.length
    }
    if (this.mode === 'message') {
      const parts: Buffer[] = []
      for (const r of records) {
        parts.push(Buffer.from([this.ack ? 0x94 : 0x93]), this.tag, this.time, r)
        if (this.ack) parts.push(Buffer.from([0x81]), CHUNK_KEY, strHeader(CHUNK_ID_LENGTH))
      }
      return { prefix: Buffer.concat(parts), recordBytes }
    }
    const entryHead = Buffer.concat([Buffer.from([0x92]), this.time])
    const entries: Buffer[] = []
    for (const r of records) entries.push(entryHead, r)
    const options = (extra: Buffer[], count: number) =>
      Buffer.concat([
        Buffer.from([0x80 | (count + (this.ack ? 1 : 0))]),
        SIZE_KEY,
        uint(events),
        ...extra,
        ...(this.ack ? [CHUNK_KEY, strHeader(CHUNK_ID_LENGTH)] : []),
      ])
    if (this.mode === 'forward') {
      const n = events
      const arrayHead =
        n < 16
          ? Buffer.from([0x90 | n])
          : n < 65536
            ? Buffer.from([0xdc, n >> 8, n & 0xff])
            : Buffer.from([0xdd, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff])
      return { prefix: Buffer.concat([Buffer.from([0x93]), this.tag, arrayHead, ...entries, options([], 1)]), recordBytes }
    }
    let body = Buffer.concat(entries)
    const extra: Buffer[] = []
    if (this.mode === 'compressed') {
      body = gzipSync(body)
      extra.push(str('compressed'), str('gzip'))
    }
    const bin = Buffer.alloc(5)
    bin[0] = 0xc6
    bin.writeUInt32BE(body.length, 1)
    return { prefix: Buffer.concat([Buffer.from([0x93]), this.tag, bin, body, options(extra, extra.length > 0 ? 2 : 1)]), recordBytes }
  }
}

/** Hands out consecutive sequence numbers to every connection of one bench run. */
export class SeqCounter {
  constructor(
    readonly first = 0,
    public next = first,
  ) {}

  take(n: number): number {
    const at = this.next
    this.next += n
    return at
  }
}

/** Merged, sorted `[from, to)` ranges of integers. */
export class RangeSet {
  private ranges: [number, number][] = []

  add(from: number, to: number): void {
    if (to <= from) return
    const r = this.ranges
    // Usually appended at the end (acks arrive roughly in order).
    let i = r.length
    while (i > 0 && r[i - 1][0] > from) i--
    r.splice(i, 0, [from, to])
    // Merge around the insertion point.
    let k = Math.max(0, i - 1)
    while (k + 1 < r.length) {
      if (r[k + 1][0] <= r[k][1]) {
        r[k][1] = Math.max(r[k][1], r[k + 1][1])
        r.splice(k + 1, 1)
      } else if (k >= i) break
      else k++
    }
  }

  get size(): number {
    let n = 0
    for (const [a, b] of this.ranges) n += b - a
    return n
  }

  has(n: number): boolean {
    let lo = 0
    let hi = this.ranges.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const [a, b] = this.ranges[mid]
      if (n < a) hi = mid - 1
      else if (n >= b) lo = mid + 1
      else return true
    }
    return false
  }

  toJSON(): [number, number][] {
    return this.ranges.map(([a, b]) => [a, b])
  }
}
