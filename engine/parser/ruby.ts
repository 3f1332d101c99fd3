/**
 * @module The Ruby conversions Fluentd's parsers rely on, with Ruby's exact leniency: `String#to_i`
 * and `#to_f` (read a leading number, ignore the rest, 0 when none), `Kernel#Float` (strict),
 * `String#split` (a single-space separator splits on runs of whitespace; trailing empty fields
 * are dropped unless a limit is given), `String#chomp`, and `to_s` of any parsed value.
 */

import { EventTime } from '../event-time.ts'
import { rubyFloatToS, rubyToS } from '../records/ruby-string.ts'
import { ExtValue, FloatValue, RawString } from './values.ts'

const INT_PREFIX = /^[ \t\n\v\f\r]*([+-]?\d+(?:_\d+)*)/
const FLOAT_PREFIX = /^[ \t\n\v\f\r]*([+-]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+(?:_\d+)*)?)/

/** Ruby `String#to_i`: the leading integer (underscores between digits allowed), 0 when none. */
export function stringToI(s: string): number {
  const m = INT_PREFIX.exec(s)
  return m === null ? 0 : Number(m[1].replace(/_/g, ''))
}

/** Ruby `String#to_f`: the leading decimal number, 0.0 when none. */
export function stringToF(s: string): number {
  const m = FLOAT_PREFIX.exec(s)
  if (m === null) return 0
  const n = Number(m[1].replace(/_/g, ''))
  return Number.isNaN(n) ? 0 : n
}

const STRICT_FLOAT =
  /^[ \t\n\v\f\r]*[+-]?(?:\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)[ \t\n\v\f\r]*$/

/** Would Ruby's `Float(value)` accept it? (a number, or a string that is entirely a number) */
export function rubyFloatAccepts(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint' || value instanceof FloatValue) return true
  return typeof value === 'string' && STRICT_FLOAT.test(value)
}

/** Ruby `#to_i` of a parsed value (`Float#to_i` truncates; strings read a prefix; others via `to_s`). */
export function valueToI(value: unknown): number | bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' || value instanceof FloatValue) {
    const n = typeof value === 'number' ? value : value.value
    return Number.isFinite(n) ? Math.trunc(n) : 0 // FloatDomainError → to_s.to_i → 0
  }
  if (typeof value === 'string') return stringToI(value)
  return stringToI(valueToS(value))
}

/** Ruby `#to_f` of a parsed value. */
export function valueToF(value: unknown): number {
  if (typeof value === 'number') return value
  if (value instanceof FloatValue) return value.value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'string') return stringToF(value)
  return stringToF(valueToS(value))
}

const bytesText = new TextDecoder()

/** Ruby `#to_s` of a parsed value. */
export function valueToS(value: unknown): string {
  if (value instanceof FloatValue) return rubyFloatToS(value.value)
  if (value instanceof RawString) return bytesText.decode(value.bytes)
  if (value instanceof ExtValue) return ''
  if (value instanceof Map) return rubyToS(Object.fromEntries(value))
  if (value instanceof EventTime) return String(value.sec)
  return rubyToS(value)
}

/** Ruby's name of a value's class, for error messages (`Array`, `Hash`, `NilClass` …). */
export function rubyClassName(value: unknown): string {
  if (value === null || value === undefined) return 'NilClass'
  if (value === true) return 'TrueClass'
  if (value === false) return 'FalseClass'
  if (typeof value === 'string' || value instanceof RawString || value instanceof Uint8Array) return 'String'
  if (typeof value === 'bigint') return 'Integer'
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float'
  if (value instanceof FloatValue) return 'Float'
  if (Array.isArray(value)) return 'Array'
  if (value instanceof EventTime) return 'Fluent::EventTime'
  return 'Hash'
}

const AWK_SPACE = /[ \t\n\v\f\r]+/

/**
 * Ruby `String#split(sep, limit)` with a string separator: `' '` splits on runs of whitespace and
 * ignores leading whitespace (awk style); without a limit (or with 0) trailing empty fields are
 * removed; with a positive limit the last field holds the rest.
 */
export function rubySplit(s: string, sep: string | RegExp, limit = 0): string[] {
  let parts: string[]
  if (sep === ' ') {
    const t = s.replace(/^[ \t\n\v\f\r]+/, '')
    if (t === '') return []
    parts = splitLimit(t, AWK_SPACE, limit)
  } else if (sep === '') {
    const chars = Array.from(s)
    parts = limit > 0 && chars.length > limit ? [...chars.slice(0, limit - 1), chars.slice(limit - 1).join('')] : chars
  } else {
    if (s === '') return []
    parts = splitLimit(s, sep, limit)
  }
  if (limit === 0) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

function splitLimit(s: string, sep: string | RegExp, limit: number): string[] {
  if (limit <= 0) return s.split(sep) // like Ruby's, a regexp's captures are included
  const out: string[] = []
  let from = 0
  while (out.length < limit - 1) {
    let at: number
    let len: number
    if (typeof sep === 'string') {
      at = s.indexOf(sep, from)
      len = sep.length
    } else {
      const re = new RegExp(sep.source, sep.flags.includes('g') ? sep.flags : sep.flags + 'g')
      re.lastIndex = from
      let m = re.exec(s)
      while (m !== null && m[0] === '' && m.index === from && from < s.length) {
        re.lastIndex = from + 1
        m = re.exec(s)
      }
      at = m === null ? -1 : m.index
      len = m === null ? 0 : m[0].length
    }
    if (at < 0) break
    out.push(s.slice(from, at))
    from = at + len
  }
  out.push(s.slice(from))
  return out
}

/** Ruby `String#chomp`: removes one trailing `\r\n`, `\n` or `\r`. */
export function chomp(s: string): string {
  if (s.endsWith('\r\n')) return s.slice(0, -2)
  if (s.endsWith('\n') || s.endsWith('\r')) return s.slice(0, -1)
  return s
}
