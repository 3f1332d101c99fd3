/**
 * @module Ruby's `to_s` and `inspect` for msgpack values, so filters stringify record values the
 * way Fluentd does (grep matches `value.to_s`; record_transformer interpolates with `to_s`):
 * nil → "", floats as Ruby prints them (`1.0`, `1.0e+16`), arrays and hashes as `inspect`
 * (Ruby ≥ 3.4 style `{"k" => 1}`, the Ruby of fluent-package 6; the formatters of engine/formatter
 * print Ruby 3.2's `{"k"=>1}`, the Ruby of fluent-package 5.2 / Fluentd 1.18).
 */

import { EventTime } from '../event-time.ts'

const utf8 = new TextDecoder()

/**
 * Ruby's `Float#to_s`: the shortest digits that read back as `x`, in fixed notation for
 * 1e-4 ≤ |x| < 1e16 except integral values from 1e15 (`1.0e+15`, `1.5e+15`, `1000000000000000.5`:
 * Ruby prints fixed only while the digits reach past the decimal point or it is within 15 digits).
 */
export function rubyFloatToS(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(x)
  if (abs >= 1e-4 && abs < 1e15) {
    // Fast path: here JS and Ruby both print the shortest digits in fixed notation.
    return Number.isInteger(x) ? `${x}.0` : String(x)
  }
  const sign = x < 0 ? '-' : ''
  const [mantissa, exp] = Math.abs(x).toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const decpt = Number(exp) + 1
  if (decpt > 0 && (decpt <= 15 || (decpt === 16 && digits.length > 16))) {
    const int = digits.length > decpt ? digits.slice(0, decpt) : digits.padEnd(decpt, '0')
    const frac = digits.length > decpt ? digits.slice(decpt) : '0'
    return `${sign}${int}.${frac}`
  }
  if (decpt <= 0 && decpt > -4) return `${sign}0.${'0'.repeat(-decpt)}${digits}`
  const e = decpt - 1
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
}

/** Ruby's `to_s` of a decoded value (floats: pass `isFloat` when the msgpack type was a float). */
export function rubyToS(value: unknown, isFloat = false): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return isFloat || !Number.isInteger(value) ? rubyFloatToS(value) : String(value)
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (value instanceof EventTime) return String(value.sec)
  if (value instanceof Uint8Array) return utf8.decode(value) // bin: its bytes read as UTF-8 text
  return rubyInspect(value)
}

/** Ruby's `inspect`. */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil'
  if (typeof value === 'string') return inspectString(value)
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : rubyFloatToS(value)
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (value instanceof EventTime) return String(value.sec)
  if (value instanceof Uint8Array) return inspectBinary(value)
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(', ')}]`
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${rubyInspect(k)} => ${rubyInspect(v)}`).join(', ')}}`
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${inspectString(k)} => ${rubyInspect(v)}`)
      .join(', ')}}`
  }
  return String(value)
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\f': '\\f',
  '\v': '\\v',
  '\b': '\\b',
  '\x07': '\\a',
  '\x1b': '\\e',
}

function inspectString(s: string): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    const escaped = ESCAPES[c]
    if (escaped !== undefined) out += escaped
    else if (c === '#' && (s[i + 1] === '{' || s[i + 1] === '$' || s[i + 1] === '@')) out += '\\#'
    else if (c < ' ' || c === '\x7f') out += `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
    else out += c
  }
  return out + '"'
}

/** A binary (ASCII-8BIT) string's inspect: bytes ≥ 0x80 as `\xNN`. */
function inspectBinary(bytes: Uint8Array): string {
  let out = '"'
  for (const b of bytes) {
    const c = String.fromCharCode(b)
    const escaped = ESCAPES[c]
    if (escaped !== undefined) out += escaped
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`
    else out += c
  }
  return out + '"'
}
