/**
 * @module The bytes `sluice bench` writes, built once before sending with the core's Packer. A
 * unit is one Forward message: packed / forward (`batch` entries), compressed (the packed entries
 * gzipped, `compressed: "gzip"`), or message (`[tag, time, record]`, one event). With --ack each
 * unit ends with its chunk option `"chunk": <24-char base64 id>`: the unit is kept as the bytes
 * before the id, shared by every send, and each send appends a fresh id — no copy per send.
 * Times are EventTime, taken once when the units are built.
 */

import { gzipSync } from 'node:zlib'
import type { Core } from '../../../wasm/core.ts'
import type { BenchMode } from './options.ts'
import type { RecordPool } from './records.ts'

/** One Forward message, minus its chunk id when acks are asked for. */
export interface Unit {
  prefix: Buffer
  events: number
  /** Record bytes it carries (Σ msgpack record sizes). */
  recordBytes: number
}

/** Length of a chunk id on the wire: base64 of 16 bytes. */
export const CHUNK_ID_LENGTH = 24
const PLACEHOLDER = 'A'.repeat(CHUNK_ID_LENGTH)
/** Distinct full-size units kept (they differ in which records they carry). */
const VARIANTS = 16

function strHeader(n: number): Buffer {
  if (n < 32) return Buffer.from([0xa0 | n])
  if (n < 256) return Buffer.from([0xd9, n])
  if (n < 65536) return Buffer.from([0xda, n >> 8, n & 0xff])
  const b = Buffer.alloc(5)
  b[0] = 0xdb
  b.writeUInt32BE(n, 1)
  return b
}

function str(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8')
  return Buffer.concat([strHeader(bytes.length), bytes])
}

function uint(n: number): Buffer {
  if (n < 128) return Buffer.from([n])
  if (n < 65536) return Buffer.from([0xcd, n >> 8, n & 0xff])
  const b = Buffer.alloc(5)
  b[0] = 0xce
  b.writeUInt32BE(n >>> 0, 1)
  return b
}

const CHUNK_KEY = str('chunk')

export class Payloads {
  private readonly full: Unit[] = []
  private readonly partial = new Map<number, Unit>()
  private readonly tag: Buffer
  private readonly sec: number
  private readonly nsec: number
  private next = 0

  constructor(
    private readonly core: Core,
    private readonly pool: RecordPool,
    readonly mode: BenchMode,
    readonly batch: number,
    readonly tagText: string,
    readonly ack: boolean,
    now = Date.now(),
  ) {
    this.tag = str(tagText)
    this.sec = Math.floor(now / 1000)
    this.nsec = (now % 1000) * 1e6
    const perUnit = this.eventsPerUnit
    const variants =
      mode === 'message' ? Math.min(pool.records.length, 4096) : Math.min(VARIANTS, Math.max(1, Math.ceil(pool.records.length / perUnit)))
    for (let v = 0; v < variants; v++) this.full.push(this.build(v * perUnit, perUnit))
  }

  /** Events in a full unit. */
  get eventsPerUnit(): number {
    return this.mode === 'message' ? 1 : this.batch
  }

  /** The next full unit (variants in turn). */
  nextUnit(): Unit {
    const u = this.full[this.next]
    this.next = (this.next + 1) % this.full.length
    return u
  }

  /** A unit of `events` events (for the last, short message of an --events run). */
  unitOf(events: number): Unit {
    if (events === this.eventsPerUnit) return this.nextUnit()
    let u = this.partial.get(events)
    if (u === undefined) {
      u = this.build(0, events)
      this.partial.set(events, u)
    }
    return u
  }

  private record(i: number): Uint8Array {
    const r = this.pool.records
    return r[i % r.length]
  }

  private build(first: number, events: number): Unit {
    let recordBytes = 0
    for (let i = 0; i < events; i++) recordBytes += this.record(first + i).length
    if (this.mode === 'message') return { prefix: this.message(first), events, recordBytes }
    if (this.mode === 'compressed') return { prefix: this.compressed(first, events), events, recordBytes }
    const packer = this.core.createPacker({ mode: this.mode, byteLimit: 0x7fffffff, entryLimit: events })
    try {
      packer.setTag(this.tagText)
      for (let i = 0; i < events; i++) {
        if (packer.append(this.sec, this.nsec, this.record(first + i)) !== 'ok')
          throw new Error('sluice bench: a record does not fit a message')
      }
      const sealed = Buffer.from(packer.seal(this.ack ? PLACEHOLDER : undefined))
      return { prefix: this.ack ? sealed.subarray(0, sealed.length - CHUNK_ID_LENGTH) : sealed, events, recordBytes }
    } finally {
      packer.free()
    }
  }

  /**
   * `[tag, time, record]` from the Packer's Message mode; with acks the 3-array becomes a 4-array
   * ending in `{"chunk": ` (the Packer refuses a chunk id in Message mode: it has no option map).
   */
  private message(i: number): Buffer {
    const packer = this.core.createPacker({ mode: 'message', byteLimit: 0x7fffffff, entryLimit: 1 })
    let sealed: Buffer
    try {
      packer.setTag(this.tagText)
      packer.append(this.sec, this.nsec, this.record(i))
      sealed = Buffer.from(packer.seal())
    } finally {
      packer.free()
    }
    if (!this.ack) return sealed
    if (sealed[0] !== 0x93) throw new Error('sluice bench: unexpected Message-mode header from the packer')
    sealed[0] = 0x94
    return Buffer.concat([sealed, Buffer.from([0x81]), CHUNK_KEY, strHeader(CHUNK_ID_LENGTH)])
  }

  /** `[tag, bin(gzip(entries)), {"size", "compressed": "gzip", "chunk"?}]`. */
  private compressed(first: number, events: number): Buffer {
    const packer = this.core.createPacker({ mode: 'packed', byteLimit: 0x7fffffff, entryLimit: events })
    let gz: Buffer
    try {
      packer.setTag(this.tagText)
      for (let i = 0; i < events; i++) packer.append(this.sec, this.nsec, this.record(first + i))
      gz = gzipSync(packer.bodyView())
    } finally {
      packer.free()
    }
    const bin = Buffer.alloc(5)
    bin[0] = 0xc6
    bin.writeUInt32BE(gz.length, 1)
    const parts = [
      Buffer.from([0x93]),
      this.tag,
      bin,
      gz,
      Buffer.from([this.ack ? 0x83 : 0x82]),
      str('size'),
      uint(events),
      str('compressed'),
      str('gzip'),
    ]
    if (this.ack) parts.push(CHUNK_KEY, strHeader(CHUNK_ID_LENGTH))
    return Buffer.concat(parts)
  }
}

/** Unique chunk ids for one connection: 8 random bytes, then a counter; standard base64. */
export class ChunkIds {
  private readonly raw = Buffer.alloc(16)
  private counter = 0n

  constructor() {
    crypto.getRandomValues(this.raw.subarray(0, 8))
  }

  next(): Buffer {
    this.raw.writeBigUInt64BE(this.counter++, 8)
    return Buffer.from(this.raw.toString('base64'), 'latin1')
  }
}
