/**
 * @module A record as Fluentd's msgpack formatter writes it: `record.to_msgpack` of the Hash Ruby
 * unpacked. So the bytes are Ruby's packer's: integers, strings and containers in their smallest
 * form, float32 widened to float64, a repeated map key once (first place, last value), and
 * Fluentd's EventTime (ext 0) as its integer seconds (EventTime#to_msgpack outside Fluentd's own
 * factory). Other ext types, which Ruby cannot unpack, are copied as they are.
 */

import { skipObject } from '../records/field-scan.ts'
import { eventTimeSec, f32, f64, isExt, readString, str, u16, u32 } from './msgpack-value.ts'
import type { ByteSink } from './types.ts'
import { writeValue, type ValueSyntax } from './value-writer.ts'

function writeU32(out: ByteSink, n: number): void {
  out.writeByte((n >>> 24) & 0xff)
  out.writeByte((n >>> 16) & 0xff)
  out.writeByte((n >>> 8) & 0xff)
  out.writeByte(n & 0xff)
}

function writeHeader(out: ByteSink, n: number, fix: number, fixMax: number, w8: number, w16: number, w32: number): void {
  if (n <= fixMax && fix >= 0) out.writeByte(fix | n)
  else if (n < 0x100 && w8 >= 0) {
    out.writeByte(w8)
    out.writeByte(n)
  } else if (n < 0x10000) {
    out.writeByte(w16)
    out.writeByte(n >> 8)
    out.writeByte(n & 0xff)
  } else {
    out.writeByte(w32)
    writeU32(out, n)
  }
}

/** An unsigned integer from its big-endian bytes `b[p, p+n)`, written in its smallest form. */
function writeUnsigned(out: ByteSink, hi: number, lo: number): void {
  if (hi === 0) {
    if (lo < 0x80) out.writeByte(lo)
    else if (lo < 0x100) {
      out.writeByte(0xcc)
      out.writeByte(lo)
    } else if (lo < 0x10000) {
      out.writeByte(0xcd)
      out.writeByte(lo >> 8)
      out.writeByte(lo & 0xff)
    } else {
      out.writeByte(0xce)
      writeU32(out, lo)
    }
    return
  }
  out.writeByte(0xcf)
  writeU32(out, hi)
  writeU32(out, lo)
}

/** A negative integer (hi/lo of its 64-bit two's complement), in its smallest form. */
function writeNegative(out: ByteSink, hi: number, lo: number): void {
  if (hi === 0xffffffff && lo >= 0x80000000) {
    const v = lo - 0x100000000
    if (v >= -32) out.writeByte(v & 0xff)
    else if (v >= -128) {
      out.writeByte(0xd0)
      out.writeByte(v & 0xff)
    } else if (v >= -32768) {
      out.writeByte(0xd1)
      out.writeByte((v >> 8) & 0xff)
      out.writeByte(v & 0xff)
    } else {
      out.writeByte(0xd2)
      writeU32(out, lo)
    }
    return
  }
  out.writeByte(0xd3)
  writeU32(out, hi)
  writeU32(out, lo)
}

/** hi/lo words of the integer at `p` as a 64-bit two's complement, or null when not an integer. */
function intWords(b: Uint8Array, p: number): [number, number] | null {
  const h = b[p]
  if (h <= 0x7f) return [0, h]
  if (h >= 0xe0) return [0xffffffff, (h - 0x100) >>> 0]
  switch (h) {
    case 0xcc:
      return [0, b[p + 1]]
    case 0xcd:
      return [0, u16(b, p + 1)]
    case 0xce:
      return [0, u32(b, p + 1)]
    case 0xcf:
      return [u32(b, p + 1), u32(b, p + 5)]
    case 0xd0: {
      const v = (b[p + 1] << 24) >> 24
      return [v < 0 ? 0xffffffff : 0, v >>> 0]
    }
    case 0xd1: {
      const v = (u16(b, p + 1) << 16) >> 16
      return [v < 0 ? 0xffffffff : 0, v >>> 0]
    }
    case 0xd2: {
      const v = u32(b, p + 1) | 0
      return [v < 0 ? 0xffffffff : 0, v >>> 0]
    }
    case 0xd3:
      return [u32(b, p + 1), u32(b, p + 5)]
  }
  return null
}

const f64Out = new DataView(new ArrayBuffer(8))

function scalar(out: ByteSink, b: Uint8Array, p: number): number {
  if (readString(b, p)) {
    const { start, len, bin } = str
    if (bin) writeHeader(out, len, -1, -1, 0xc4, 0xc5, 0xc6)
    else writeHeader(out, len, 0xa0, 31, 0xd9, 0xda, 0xdb)
    out.writeBytes(b, start, start + len)
    return start + len
  }
  const h = b[p]
  if (h === 0xc0 || h === 0xc2 || h === 0xc3) {
    out.writeByte(h)
    return p + 1
  }
  if (h === 0xca || h === 0xcb) {
    f64Out.setFloat64(0, h === 0xca ? f32(b, p + 1) : f64(b, p + 1))
    out.writeByte(0xcb)
    for (let i = 0; i < 8; i++) out.writeByte(f64Out.getUint8(i))
    return p + (h === 0xca ? 5 : 9)
  }
  const words = intWords(b, p)
  if (words !== null) {
    const [hi, lo] = words
    const signed = h >= 0xe0 || (h >= 0xd0 && h <= 0xd3)
    if (signed && hi >= 0x80000000) writeNegative(out, hi, lo)
    else writeUnsigned(out, hi, lo)
    return skipObject(b, p)
  }
  if (isExt(h)) {
    const sec = eventTimeSec(b, p)
    const end = skipObject(b, p)
    if (sec >= 0) writeUnsigned(out, 0, sec)
    else out.writeBytes(b, p, end)
    return end
  }
  throw new RangeError(`invalid msgpack byte 0x${h.toString(16)} at ${p}`)
}

const MSGPACK: ValueSyntax = {
  itemSeparator: '',
  keySeparator: '',
  scalar,
  key: (out, b, p) => writeCanonicalMsgpack(out, b, p),
  open(out, map, count) {
    if (map) writeHeader(out, count, 0x80, 15, -1, 0xde, 0xdf)
    else writeHeader(out, count, 0x90, 15, -1, 0xdc, 0xdd)
  },
  close() {},
}

/** Writes the value at `p` as Ruby's packer would after Fluentd unpacked it; returns the position after it. */
export function writeCanonicalMsgpack(out: ByteSink, b: Uint8Array, p: number): number {
  return writeValue(out, b, p, MSGPACK)
}
