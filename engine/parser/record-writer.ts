/**
 * @module The msgpack writer of parsed records: one growing buffer reused for every record, the
 * smallest forms msgpack-ruby writes (so Fluentd and sluice emit the same bytes), map keys in
 * insertion order, and the value kinds of values.ts (integral floats stay floats, raw strings keep
 * their bytes, EventTime is ext 0).
 */

import { EventTime } from '../event-time.ts'
import { ExtValue, FloatValue, RawString } from './values.ts'

const encoder = new TextEncoder()

export class RecordWriter {
  private buf: Uint8Array
  private view: DataView
  private pos = 0

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial)
    this.view = new DataView(this.buf.buffer)
  }

  /** Encodes one value (a record: a Map or object); the bytes are `bytes()[0, length)` until the next call. */
  encode(value: unknown): number {
    this.pos = 0
    this.value(value)
    return this.pos
  }

  /**
   * Encodes a map of string values under keys given as msgpack strs (`keys[i]`, header included):
   * pair `i` is written when `values[i]` is a string and `i !== skip`, in index order — the bytes
   * `encode` writes for a Map of those pairs, without building it. Returns the length.
   */
  encodeStringPairs(keys: readonly Uint8Array[], values: readonly (string | undefined)[], skip: number): number {
    this.pos = 0
    let count = 0
    for (let i = 0; i < values.length; i++) if (values[i] !== undefined && i !== skip) count++
    this.mapHeader(count)
    for (let i = 0; i < values.length; i++) {
      const value = values[i]
      if (value === undefined || i === skip) continue
      const key = keys[i]
      this.reserve(key.length)
      this.buf.set(key, this.pos)
      this.pos += key.length
      this.string(value)
    }
    return this.pos
  }

  /** The buffer the last `encode` wrote into (valid until the next call). */
  bytes(): Uint8Array {
    return this.buf
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n + 64))
    grown.set(this.buf.subarray(0, this.pos))
    this.buf = grown
    this.view = new DataView(grown.buffer)
  }

  private byte(b: number): void {
    this.reserve(1)
    this.buf[this.pos++] = b
  }

  private value(v: unknown): void {
    if (v === null || v === undefined) return this.byte(0xc0)
    switch (typeof v) {
      case 'string':
        return this.string(v)
      case 'number':
        return Number.isSafeInteger(v) ? this.integer(v === 0 ? 0 : v) : this.float(v)
      case 'boolean':
        return this.byte(v ? 0xc3 : 0xc2)
      case 'bigint':
        return this.bigint(v)
    }
    if (v instanceof FloatValue) return this.float(v.value)
    if (v instanceof Map) {
      this.mapHeader(v.size)
      for (const [k, item] of v) {
        this.value(k)
        this.value(item)
      }
      return
    }
    if (Array.isArray(v)) {
      this.arrayHeader(v.length)
      for (const item of v) this.value(item)
      return
    }
    if (v instanceof RawString) return this.raw(v.bytes, 0xa0, 0xd9)
    if (v instanceof Uint8Array) return this.raw(v, -1, 0xc4)
    if (v instanceof EventTime) {
      this.reserve(10)
      this.buf[this.pos] = 0xd7
      this.buf[this.pos + 1] = 0
      this.view.setUint32(this.pos + 2, v.sec >>> 0)
      this.view.setUint32(this.pos + 6, v.nsec >>> 0)
      this.pos += 10
      return
    }
    if (v instanceof ExtValue) return this.ext(v)
    if (typeof v === 'object') {
      const keys = Object.keys(v)
      this.mapHeader(keys.length)
      for (const k of keys) {
        this.string(k)
        this.value((v as Record<string, unknown>)[k])
      }
      return
    }
    this.byte(0xc0)
  }

  private string(s: string): void {
    const n = s.length
    if (n < 32 && this.ascii(s, n)) return
    // Write the bytes after room for the largest header they could need, then close any gap.
    const maxBytes = n * 3
    const room = maxBytes < 32 ? 1 : maxBytes < 256 ? 2 : maxBytes < 65536 ? 3 : 5
    this.reserve(room + maxBytes)
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.pos + room))
    const head = written < 32 ? 1 : written < 256 ? 2 : written < 65536 ? 3 : 5
    if (head < room) this.buf.copyWithin(this.pos + head, this.pos + room, this.pos + room + written)
    const at = this.pos
    if (head === 1) this.buf[at] = 0xa0 | written
    else if (head === 2) {
      this.buf[at] = 0xd9
      this.buf[at + 1] = written
    } else if (head === 3) {
      this.buf[at] = 0xda
      this.view.setUint16(at + 1, written)
    } else {
      this.buf[at] = 0xdb
      this.view.setUint32(at + 1, written)
    }
    this.pos += head + written
  }

  /** Short ASCII strings (most keys and many values) as a fixstr, written byte by byte; false when not ASCII. */
  private ascii(s: string, n: number): boolean {
    this.reserve(1 + n)
    const b = this.buf
    const at = this.pos + 1
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) return false
      b[at + i] = c
    }
    b[this.pos] = 0xa0 | n
    this.pos = at + n
    return true
  }

  /** A str (fix: `fixBase`, else from `base8`: 8/16/32) or bin (`fixBase` -1) with these bytes. */
  private raw(bytes: Uint8Array, fixBase: number, base8: number): void {
    const n = bytes.length
    this.reserve(5 + n)
    const at = this.pos
    if (fixBase >= 0 && n < 32) {
      this.buf[at] = fixBase | n
      this.pos += 1
    } else if (n < 256) {
      this.buf[at] = base8
      this.buf[at + 1] = n
      this.pos += 2
    } else if (n < 65536) {
      this.buf[at] = base8 + 1
      this.view.setUint16(at + 1, n)
      this.pos += 3
    } else {
      this.buf[at] = base8 + 2
      this.view.setUint32(at + 1, n)
      this.pos += 5
    }
    this.buf.set(bytes, this.pos)
    this.pos += n
  }

  private ext(v: ExtValue): void {
    const n = v.data.length
    this.reserve(6 + n)
    const at = this.pos
    const fix = n === 1 ? 0xd4 : n === 2 ? 0xd5 : n === 4 ? 0xd6 : n === 8 ? 0xd7 : n === 16 ? 0xd8 : 0
    if (fix !== 0) {
      this.buf[at] = fix
      this.pos += 1
    } else if (n < 256) {
      this.buf[at] = 0xc7
      this.buf[at + 1] = n
      this.pos += 2
    } else if (n < 65536) {
      this.buf[at] = 0xc8
      this.view.setUint16(at + 1, n)
      this.pos += 3
    } else {
      this.buf[at] = 0xc9
      this.view.setUint32(at + 1, n)
      this.pos += 5
    }
    this.buf[this.pos++] = v.type & 0xff
    this.buf.set(v.data, this.pos)
    this.pos += n
  }

  private integer(n: number): void {
    this.reserve(9)
    const at = this.pos
    if (n >= 0) {
      if (n < 128) {
        this.buf[at] = n
        this.pos += 1
      } else if (n < 256) {
        this.buf[at] = 0xcc
        this.buf[at + 1] = n
        this.pos += 2
      } else if (n < 65536) {
        this.buf[at] = 0xcd
        this.view.setUint16(at + 1, n)
        this.pos += 3
      } else if (n < 4294967296) {
        this.buf[at] = 0xce
        this.view.setUint32(at + 1, n)
        this.pos += 5
      } else {
        this.buf[at] = 0xcf
        this.view.setBigUint64(at + 1, BigInt(n))
        this.pos += 9
      }
    } else if (n >= -32) {
      this.buf[at] = n & 0xff
      this.pos += 1
    } else if (n >= -128) {
      this.buf[at] = 0xd0
      this.view.setInt8(at + 1, n)
      this.pos += 2
    } else if (n >= -32768) {
      this.buf[at] = 0xd1
      this.view.setInt16(at + 1, n)
      this.pos += 3
    } else if (n >= -2147483648) {
      this.buf[at] = 0xd2
      this.view.setInt32(at + 1, n)
      this.pos += 5
    } else {
      this.buf[at] = 0xd3
      this.view.setBigInt64(at + 1, BigInt(n))
      this.pos += 9
    }
  }

  private bigint(n: bigint): void {
    if (n >= -(2n ** 53n) && n <= 2n ** 53n) return this.integer(Number(n))
    this.reserve(9)
    if (n >= 0n && n < 2n ** 64n) {
      this.buf[this.pos] = 0xcf
      this.view.setBigUint64(this.pos + 1, n)
    } else if (n < 0n && n >= -(2n ** 63n)) {
      this.buf[this.pos] = 0xd3
      this.view.setBigInt64(this.pos + 1, n)
    } else return this.float(Number(n)) // beyond 64 bits: msgpack has no integer for it
    this.pos += 9
  }

  private float(x: number): void {
    this.reserve(9)
    this.buf[this.pos] = 0xcb
    this.view.setFloat64(this.pos + 1, x)
    this.pos += 9
  }

  private mapHeader(n: number): void {
    this.header(n, 0x80, 0xde)
  }

  private arrayHeader(n: number): void {
    this.header(n, 0x90, 0xdc)
  }

  private header(n: number, fix: number, base16: number): void {
    this.reserve(5)
    if (n < 16) this.buf[this.pos++] = fix | n
    else if (n < 65536) {
      this.buf[this.pos] = base16
      this.view.setUint16(this.pos + 1, n)
      this.pos += 3
    } else {
      this.buf[this.pos] = base16 + 1
      this.view.setUint32(this.pos + 1, n)
      this.pos += 5
    }
  }
}
