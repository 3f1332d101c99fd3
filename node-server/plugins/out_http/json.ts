/**
 * @module msgpack record bytes → JSON bytes, written straight into a growable byte buffer (no
 * object per record, no intermediate string), as Fluentd's `record.to_json` prints them: 64-bit
 * integers exact, floats as Ruby prints them (`1.0`), str and bin as JSON strings (invalid UTF-8
 * replaced by U+FFFD), non-string map keys as their Ruby to_s, EventTime (ext 0) as its seconds
 * (Fluentd's EventTime#to_json), other ext types and NaN/Infinity (which Ruby refuses) as null.
 * Iterative, so deeply nested records cannot overflow the stack.
 */

import { decode } from '@msgpack/msgpack'
import { eventTimeCodec } from '../../../engine/event-time.ts'
import { skipObject } from '../../../engine/records/field-scan.ts'
import { rubyFloatToS, rubyToS } from '../../../engine/records/ruby-string.ts'
import { ByteSink } from '../../../engine/output/byte-sink.ts'

export { ByteSink }

const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()
const HEX = '0123456789abcdef'

interface Frame {
  /** Objects still to write in this container (a map counts keys and values). */
  left: number
  map: boolean
  /** Objects written so far (for separators). */
  done: number
}

/** Writes the msgpack object at `p` (complete, valid) as JSON; returns the position after it. */
export function writeJson(out: ByteSink, b: Uint8Array, p: number): number {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const stack: Frame[] = []
  for (;;) {
    const frame = stack.length > 0 ? stack[stack.length - 1] : null
    if (frame !== null) {
      if (frame.left === 0) {
        out.byte(frame.map ? 0x7d : 0x5d)
        stack.pop()
        if (stack.length === 0) return p
        continue
      }
      if (frame.done > 0) out.byte(frame.map && frame.done % 2 === 1 ? 0x3a : 0x2c)
      frame.left--
      frame.done++
      if (frame.map && frame.done % 2 === 1) {
        p = writeKey(out, b, p, view)
        continue
      }
    }
    const h = b[p]
    let count = -1
    let map = false
    if (h >= 0x80 && h <= 0x8f) {
      count = (h & 0x0f) * 2
      map = true
      p += 1
    } else if (h >= 0x90 && h <= 0x9f) {
      count = h & 0x0f
      p += 1
    } else if (h === 0xdc) {
      count = view.getUint16(p + 1)
      p += 3
    } else if (h === 0xdd) {
      count = view.getUint32(p + 1)
      p += 5
    } else if (h === 0xde) {
      count = view.getUint16(p + 1) * 2
      map = true
      p += 3
    } else if (h === 0xdf) {
      count = view.getUint32(p + 1) * 2
      map = true
      p += 5
    }
    if (count >= 0) {
      out.byte(map ? 0x7b : 0x5b)
      stack.push({ left: count, map, done: 0 })
      continue
    }
    p = writeScalar(out, b, p, view)
    if (stack.length === 0) return p
  }
}

/** Writes a scalar (anything but an array or map); returns the position after it. */
function writeScalar(out: ByteSink, b: Uint8Array, p: number, view: DataView): number {
  const h = b[p]
  if (h <= 0x7f) {
    out.ascii(String(h))
    return p + 1
  }
  if (h >= 0xe0) {
    out.ascii(String(h - 0x100))
    return p + 1
  }
  if (h >= 0xa0 && h <= 0xbf) return writeString(out, b, p + 1, h & 0x1f)
  switch (h) {
    case 0xc0:
      out.ascii('null')
      return p + 1
    case 0xc2:
      out.ascii('false')
      return p + 1
    case 0xc3:
      out.ascii('true')
      return p + 1
    case 0xd9:
    case 0xc4:
      return writeString(out, b, p + 2, b[p + 1])
    case 0xda:
    case 0xc5:
      return writeString(out, b, p + 3, view.getUint16(p + 1))
    case 0xdb:
    case 0xc6:
      return writeString(out, b, p + 5, view.getUint32(p + 1))
    case 0xca:
      out.ascii(floatText(view.getFloat32(p + 1)))
      return p + 5
    case 0xcb:
      out.ascii(floatText(view.getFloat64(p + 1)))
      return p + 9
    case 0xcc:
      out.ascii(String(b[p + 1]))
      return p + 2
    case 0xcd:
      out.ascii(String(view.getUint16(p + 1)))
      return p + 3
    case 0xce:
      out.ascii(String(view.getUint32(p + 1)))
      return p + 5
    case 0xcf:
      out.ascii(view.getBigUint64(p + 1).toString())
      return p + 9
    case 0xd0:
      out.ascii(String(view.getInt8(p + 1)))
      return p + 2
    case 0xd1:
      out.ascii(String(view.getInt16(p + 1)))
      return p + 3
    case 0xd2:
      out.ascii(String(view.getInt32(p + 1)))
      return p + 5
    case 0xd3:
      out.ascii(view.getBigInt64(p + 1).toString())
      return p + 9
  }
  // ext: EventTime as its seconds, anything else null.
  const end = skipObject(b, p)
  if ((h === 0xd7 && b[p + 1] === 0x00) || (h === 0xc7 && b[p + 1] === 8 && b[p + 2] === 0x00)) {
    out.ascii(String(view.getUint32(h === 0xd7 ? p + 2 : p + 3)))
  } else {
    out.ascii('null')
  }
  return end
}

function floatText(x: number): string {
  return Number.isFinite(x) ? rubyFloatToS(x) : 'null'
}

/** A map key: strings as they are, anything else as its Ruby to_s (Ruby's to_json does key.to_s). */
function writeKey(out: ByteSink, b: Uint8Array, p: number, view: DataView): number {
  const h = b[p]
  if ((h >= 0xa0 && h <= 0xbf) || h === 0xd9 || h === 0xda || h === 0xdb || h === 0xc4 || h === 0xc5 || h === 0xc6) {
    return writeScalar(out, b, p, view)
  }
  const end = skipObject(b, p)
  const value = decode(b.subarray(p, end), { extensionCodec: eventTimeCodec, useBigInt64: true })
  const isFloat = h === 0xca || h === 0xcb
  const bytes = textEncoder.encode(rubyToS(value, isFloat))
  writeString(out, bytes, 0, bytes.length)
  return end
}

/** A JSON string from UTF-8 bytes `[start, start+len)`; returns the position after them. */
function writeString(out: ByteSink, b: Uint8Array, start: number, len: number): number {
  const end = start + len
  let ascii = true
  for (let i = start; i < end; i++) {
    if (b[i] >= 0x80) {
      ascii = false
      break
    }
  }
  if (!ascii) {
    // Re-encoding through TextDecoder replaces invalid sequences, so the JSON is valid UTF-8.
    const clean = textEncoder.encode(textDecoder.decode(b.subarray(start, end)))
    escapeInto(out, clean, 0, clean.length)
  } else {
    escapeInto(out, b, start, end)
  }
  return end
}

function escapeInto(out: ByteSink, b: Uint8Array, start: number, end: number): void {
  out.reserve(end - start + 2)
  out.bytes[out.length++] = 0x22
  let run = start
  for (let i = start; i < end; i++) {
    const c = b[i]
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue
    if (i > run) out.copy(b, run, i)
    run = i + 1
    switch (c) {
      case 0x22:
        out.ascii('\\"')
        break
      case 0x5c:
        out.ascii('\\\\')
        break
      case 0x0a:
        out.ascii('\\n')
        break
      case 0x0d:
        out.ascii('\\r')
        break
      case 0x09:
        out.ascii('\\t')
        break
      case 0x08:
        out.ascii('\\b')
        break
      case 0x0c:
        out.ascii('\\f')
        break
      default:
        out.ascii(`\\u00${HEX[c >> 4]}${HEX[c & 15]}`)
    }
  }
  if (end > run) out.copy(b, run, end)
  out.byte(0x22)
}
