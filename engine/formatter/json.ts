/**
 * @module msgpack → JSON bytes, as Fluentd 1.18 writes records: the one writer every formatter
 * (out_file, json, stdout, the JSON inside others) and out_http use. No object per record and no
 * intermediate string: bytes go from the record straight into a ByteSink.
 *
 * Byte for byte what Ruby's Yajl (`Yajl.dump`, out_file) or Oj in compat mode (the json formatter's
 * default `json_parser oj`) print for the record Ruby unpacked, checked against both
 * (test/fixtures/fluentd-formats):
 * - str and bin as JSON strings of their raw bytes — invalid UTF-8 passes through as it is;
 *   `"` `\` and `\b \f \n \r \t` escaped, other controls `\u00XX` (Yajl: `\u001B`, Oj: `\u001b`),
 *   DEL, `/` and U+2028 raw;
 * - integers exact up to 64 bits; floats as Ruby's Float#to_s (`1.0`, `1.0e+16`, `1.0e-05`, `-0.0`),
 *   except Oj's integral values that fit an int64 (`10000000000000000.0`) and its `0.0` for -0.0;
 * - NaN and ±Infinity raise JsonFormatError (Yajl raises `'NaN' is an invalid number`; Oj writes
 *   `NaN`, which no JSON reader accepts: sluice raises for both, and the event becomes an error event);
 * - map keys that are not strings as their Ruby `to_s` (`1`, `2.0`, `[1, 2]`, `` for nil);
 * - a map with a repeated key as Ruby's Hash holds it (first position, last value);
 * - Fluentd's EventTime (ext type 0) as its integer seconds (EventTime#to_json); any other ext type
 *   as null (Fluentd cannot unpack those at all: its unpacker raises).
 */

import { rubyFloatToS } from '../records/ruby-string.ts'
import { writeRubyToS } from './ruby-text.ts'
import { eventTimeSec, floatAt, intText, isExt, readString, str } from './msgpack-value.ts'
import { skipObject } from '../records/field-scan.ts'
import type { ByteSink } from './types.ts'
import { ByteBuffer } from './byte-buffer.ts'
import { writeValue, type ValueSyntax } from './value-writer.ts'

/** A value JSON cannot hold (NaN, Infinity): the event cannot be formatted. */
export class JsonFormatError extends Error {
  override name = 'JsonFormatError'
}

/** Which Ruby JSON library's bytes to reproduce. */
export type JsonLibrary = 'yajl' | 'oj'

const HEX_UPPER = '0123456789ABCDEF'
const HEX_LOWER = '0123456789abcdef'
const INT64_LIMIT = 2 ** 63

/** Oj 3.14 compat mode: integral floats that fit an int64 in full (`%.1f`), 0.0 without its sign, else Float#to_s. */
export function ojFloatText(x: number): string {
  if (x === 0) return '0.0'
  if (Number.isInteger(x) && x >= -INT64_LIMIT && x < INT64_LIMIT) return `${BigInt(x)}.0`
  return rubyFloatToS(x)
}

/** Writes `b[start, start+len)` as a JSON string (raw bytes, JSON's mandatory escapes only). */
export function writeJsonString(out: ByteSink, b: Uint8Array, start: number, len: number, hex: string = HEX_UPPER): void {
  const end = start + len
  out.writeByte(0x22)
  let run = start
  for (let i = start; i < end; i++) {
    const c = b[i]
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue
    if (i > run) out.writeBytes(b, run, i)
    run = i + 1
    switch (c) {
      case 0x22:
        out.writeAscii('\\"')
        break
      case 0x5c:
        out.writeAscii('\\\\')
        break
      case 0x0a:
        out.writeAscii('\\n')
        break
      case 0x0d:
        out.writeAscii('\\r')
        break
      case 0x09:
        out.writeAscii('\\t')
        break
      case 0x08:
        out.writeAscii('\\b')
        break
      case 0x0c:
        out.writeAscii('\\f')
        break
      default:
        out.writeAscii(`\\u00${hex[c >> 4]}${hex[c & 15]}`)
    }
  }
  if (end > run) out.writeBytes(b, run, end)
  out.writeByte(0x22)
}

const keyScratch = new ByteBuffer(256)

function jsonSyntax(library: JsonLibrary): ValueSyntax {
  const hex = library === 'oj' ? HEX_LOWER : HEX_UPPER
  const floatText = library === 'oj' ? ojFloatText : rubyFloatToS
  const scalar = (out: ByteSink, b: Uint8Array, p: number): number => {
    if (readString(b, p)) {
      writeJsonString(out, b, str.start, str.len, hex)
      return str.start + str.len
    }
    const h = b[p]
    if (h <= 0x7f) {
      out.writeAscii(String(h))
      return p + 1
    }
    if (h >= 0xe0) {
      out.writeAscii(String(h - 0x100))
      return p + 1
    }
    switch (h) {
      case 0xc0:
        out.writeAscii('null')
        return p + 1
      case 0xc2:
        out.writeAscii('false')
        return p + 1
      case 0xc3:
        out.writeAscii('true')
        return p + 1
      case 0xca:
      case 0xcb: {
        const x = floatAt(b, p)!
        if (!Number.isFinite(x)) throw new JsonFormatError(`'${rubyFloatToS(x)}' is an invalid number`)
        out.writeAscii(floatText(x))
        return p + (h === 0xca ? 5 : 9)
      }
    }
    const int = intText(b, p)
    if (int !== null) {
      out.writeAscii(int)
      return skipObject(b, p)
    }
    if (isExt(h)) {
      const sec = eventTimeSec(b, p)
      out.writeAscii(sec >= 0 ? String(sec) : 'null')
      return skipObject(b, p)
    }
    throw new RangeError(`invalid msgpack byte 0x${h.toString(16)} at ${p}`)
  }
  return {
    itemSeparator: ',',
    keySeparator: ':',
    scalar,
    key(out, b, p) {
      if (readString(b, p)) return scalar(out, b, p)
      // Yajl and Oj write `key.to_s` for keys that are not strings.
      keyScratch.reset()
      const end = writeRubyToS(keyScratch, b, p)
      writeJsonString(out, keyScratch.bytes, 0, keyScratch.length, hex)
      return end
    },
  }
}

const SYNTAX: Record<JsonLibrary, ValueSyntax> = { yajl: jsonSyntax('yajl'), oj: jsonSyntax('oj') }

/**
 * Writes the msgpack value at `b[p]` as JSON; returns the position after it. Throws
 * JsonFormatError for NaN/Infinity (whatever was written before stays: cut the sink back).
 *
 * @example
 * const out = new ByteBuffer()
 * writeJson(out, encodeRecord({ k: 'v', n: 1.5 }), 0) // out holds {"k":"v","n":1.5}
 */
export function writeJson(out: ByteSink, b: Uint8Array, p: number, library: JsonLibrary = 'yajl'): number {
  return writeValue(out, b, p, SYNTAX[library])
}
