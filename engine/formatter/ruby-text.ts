/**
 * @module Ruby's `to_s` and `inspect` of msgpack values, written as bytes (what the hash, ltsv,
 * tsv, csv and single_value formatters print, and JSON's non-string keys). The Ruby is 3.2, the one
 * fluent-package 5.2 (Fluentd 1.18) ships: `{"a"=>1, "b"=>nil}` (Ruby 3.4 writes `{"a" => 1}`).
 * Strings are Ruby's after unpacking: str is UTF-8 (invalid bytes print as `\xFF`), bin is
 * ASCII-8BIT (every byte ≥ 0x80 as `\xNN`); `to_s` of a string is its raw bytes.
 * Fluentd's EventTime (ext 0) is its seconds for `to_s` and its local time
 * (`%Y-%m-%d %H:%M:%S.%N %z`) for `inspect`; other ext types, which Ruby cannot unpack, are nil.
 */

import { rubyFloatToS } from '../records/ruby-string.ts'
import { skipObject } from '../records/field-scan.ts'
import { LOCAL, strftime } from '../output/time-format.ts'
import { eventTimeNsec, eventTimeSec, floatAt, intText, isExt, readContainer, readString, str } from './msgpack-value.ts'
import type { ByteSink } from './types.ts'
import { writeValue, type ValueSyntax } from './value-writer.ts'

const HEX = '0123456789ABCDEF'
/** Characters String#inspect escapes (Onigmo's non-printable): controls but U+0085, unassigned, line/paragraph separators. */
const NON_PRINTABLE = /^[\p{Cc}\p{Cn}\p{Zl}\p{Zp}]$/u

const NAMED: Record<number, string> = {
  34: '\\"',
  92: '\\\\',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  12: '\\f',
  11: '\\v',
  8: '\\b',
  7: '\\a',
  27: '\\e',
}

/** Length of the valid UTF-8 sequence at `i` (its code point in `utf8.cp`), or 0 when invalid. */
const utf8 = { cp: 0 }
function utf8Sequence(b: Uint8Array, i: number, end: number): number {
  const c = b[i]
  let n: number
  let cp: number
  let min: number
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2
    cp = c & 0x1f
    min = 0x80
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3
    cp = c & 0x0f
    min = 0x800
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4
    cp = c & 0x07
    min = 0x10000
  } else return 0
  if (i + n > end) return 0
  for (let k = 1; k < n; k++) {
    const d = b[i + k]
    if ((d & 0xc0) !== 0x80) return 0
    cp = (cp << 6) | (d & 0x3f)
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0
  utf8.cp = cp
  return n
}

function hexByte(out: ByteSink, c: number): void {
  out.writeAscii(`\\x${HEX[c >> 4]}${HEX[c & 15]}`)
}

/** `String#inspect` of `b[start, start+len)`: a str (UTF-8) or, with `binary`, a bin (ASCII-8BIT). */
export function writeInspectString(out: ByteSink, b: Uint8Array, start: number, len: number, binary: boolean): void {
  const end = start + len
  out.writeByte(0x22)
  let i = start
  while (i < end) {
    const c = b[i]
    if (c < 0x80) {
      const named = NAMED[c]
      if (named !== undefined) out.writeAscii(named)
      else if (c === 0x23 && i + 1 < end && (b[i + 1] === 0x7b || b[i + 1] === 0x24 || b[i + 1] === 0x40)) out.writeAscii('\\#')
      else if (c < 0x20 || c === 0x7f) {
        if (binary) hexByte(out, c)
        else out.writeAscii(`\\u00${HEX[c >> 4]}${HEX[c & 15]}`)
      } else out.writeByte(c)
      i++
      continue
    }
    const n = binary ? 0 : utf8Sequence(b, i, end)
    if (n === 0) {
      hexByte(out, c)
      i++
      continue
    }
    const cp = utf8.cp
    if (cp !== 0x85 && NON_PRINTABLE.test(String.fromCodePoint(cp))) {
      const digits = cp.toString(16).toUpperCase()
      out.writeAscii(cp <= 0xffff ? `\\u${digits.padStart(4, '0')}` : `\\u{${digits}}`)
    } else out.writeBytes(b, i, i + n)
    i += n
  }
  out.writeByte(0x22)
}

/** Writes scalars other than strings, as `to_s` and `inspect` share them; returns the end, or -1 when `p` is not one. */
function writeNumberLike(out: ByteSink, b: Uint8Array, p: number, inspect: boolean): number {
  const h = b[p]
  switch (h) {
    case 0xc0:
      if (inspect) out.writeAscii('nil')
      return p + 1
    case 0xc2:
      out.writeAscii('false')
      return p + 1
    case 0xc3:
      out.writeAscii('true')
      return p + 1
    case 0xca:
    case 0xcb:
      out.writeAscii(rubyFloatToS(floatAt(b, p)!))
      return p + (h === 0xca ? 5 : 9)
  }
  const int = intText(b, p)
  if (int !== null) {
    out.writeAscii(int)
    return skipObject(b, p)
  }
  if (isExt(h)) {
    const sec = eventTimeSec(b, p)
    if (sec < 0) {
      if (inspect) out.writeAscii('nil')
    } else if (inspect) out.writeAscii(strftime('%Y-%m-%d %H:%M:%S.%N %z', sec, eventTimeNsec(b, p), LOCAL))
    else out.writeAscii(String(sec))
    return skipObject(b, p)
  }
  return -1
}

function inspectScalar(out: ByteSink, b: Uint8Array, p: number): number {
  if (readString(b, p)) {
    writeInspectString(out, b, str.start, str.len, str.bin)
    return str.start + str.len
  }
  const end = writeNumberLike(out, b, p, true)
  if (end < 0) throw new RangeError(`invalid msgpack byte 0x${b[p].toString(16)} at ${p}`)
  return end
}

const INSPECT: ValueSyntax = {
  itemSeparator: ', ',
  keySeparator: '=>',
  scalar: inspectScalar,
  key: (out, b, p) => writeRubyInspect(out, b, p),
}

/** `inspect` of the value at `p`; returns the position after it. */
export function writeRubyInspect(out: ByteSink, b: Uint8Array, p: number): number {
  return writeValue(out, b, p, INSPECT)
}

/** `to_s` of the value at `p` (`p < 0`: a missing key, nil, whose to_s is empty); returns the position after it. */
export function writeRubyToS(out: ByteSink, b: Uint8Array, p: number): number {
  if (p < 0) return p
  if (readString(b, p)) {
    out.writeBytes(b, str.start, str.start + str.len)
    return str.start + str.len
  }
  if (readContainer(b, p)) return writeRubyInspect(out, b, p)
  const end = writeNumberLike(out, b, p, false)
  if (end < 0) throw new RangeError(`invalid msgpack byte 0x${b[p].toString(16)} at ${p}`)
  return end
}
