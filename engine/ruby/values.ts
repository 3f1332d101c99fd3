/**
 * @module Ruby values as the evaluator sees them: nil = null, true/false, Integer = number (safe
 * integers) or bigint, Float = `RFloat` (so `1.0` and `1` stay apart), String = string, Array =
 * array, Hash = plain object (a decoded record), Time = `RTime`, plus IPAddr, Regexp and MatchData.
 * Ruby's truthiness, equality, `to_s`, `inspect` and JSON generation live here.
 */

import { EventTime } from '../event-time.ts'
import { rubyFloatToS, rubyInspect, rubyToS } from '../records/ruby-string.ts'

/** A Ruby Float (a JS number that must print as a float: `1.0`). */
export class RFloat {
  constructor(readonly value: number) {}
}

/** A Ruby Time: seconds + nanoseconds, shown in UTC or in the host's local zone. */
export class RTime {
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly utc: boolean,
  ) {}
}

/** An IPAddr: its family and the address as written (without a prefix length). */
export class RIPAddr {
  constructor(
    readonly family: 4 | 6,
    readonly address: string,
  ) {}
}

export class RRegexp {
  constructor(
    readonly source: string,
    readonly flags: string,
    readonly regexp: RegExp,
  ) {}
}

/** MatchData: `[0]` is the whole match; named groups by name. */
export class RMatch {
  constructor(
    readonly groups: (string | null)[],
    readonly named: Record<string, string | null>,
  ) {}
}

export type RValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | RFloat
  | RTime
  | RIPAddr
  | RRegexp
  | RMatch
  | EventTime
  | Uint8Array
  | RValue[]
  | { [key: string]: unknown }

/** A Ruby exception (StandardError): `rescue` catches it; elsewhere it fails the expression. */
export class RubyError extends Error {
  constructor(
    message: string,
    /** The Ruby class name, e.g. KeyError, NoMethodError, TypeError. */
    readonly rubyClass = 'StandardError',
  ) {
    super(message)
    this.name = 'RubyError'
  }
}

/** nil and false are falsy; everything else (including "" and 0) is truthy. */
export function truthy(v: RValue): boolean {
  return v !== null && v !== false && v !== undefined
}

export function isInteger(v: unknown): v is number | bigint {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint'
}

export function isNumeric(v: unknown): v is number | bigint | RFloat {
  return isInteger(v) || v instanceof RFloat
}

export function isHash(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof RFloat) &&
    !(v instanceof RTime) &&
    !(v instanceof RIPAddr) &&
    !(v instanceof RRegexp) &&
    !(v instanceof RMatch) &&
    !(v instanceof EventTime)
  )
}

/** A value read from a record: a non-integer JS number becomes a Float; undefined → nil. */
export function fromRecord(v: unknown): RValue {
  if (v === undefined) return null
  if (typeof v === 'number' && !Number.isInteger(v)) return new RFloat(v)
  return v as RValue
}

/** A value to store in a record: Floats become numbers, Times their `to_s`, other Ruby objects their `to_s`. */
export function toRecord(v: RValue): unknown {
  if (v instanceof RFloat) return v.value
  if (v instanceof RTime || v instanceof RIPAddr || v instanceof RRegexp || v instanceof RMatch) return toS(v)
  if (Array.isArray(v)) return v.map((x) => toRecord(x as RValue))
  if (isHash(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = toRecord(fromRecord(x))
    return out
  }
  return v
}

/** The name Ruby gives the value's class, for error messages. */
export function className(v: RValue): string {
  if (v === null) return 'nil'
  if (v === true) return 'true'
  if (v === false) return 'false'
  if (isInteger(v)) return 'Integer'
  if (v instanceof RFloat) return 'Float'
  if (typeof v === 'string' || v instanceof Uint8Array) return 'String'
  if (Array.isArray(v)) return 'Array'
  if (v instanceof RTime) return 'Time'
  if (v instanceof RIPAddr) return 'IPAddr'
  if (v instanceof RRegexp) return 'Regexp'
  if (v instanceof RMatch) return 'MatchData'
  if (v instanceof EventTime) return 'Fluent::EventTime'
  return 'Hash'
}

/** Ruby's `to_s`. */
export function toS(v: RValue): string {
  if (v instanceof RFloat) return rubyFloatToS(v.value)
  if (v instanceof RTime) return timeToS(v)
  if (v instanceof RIPAddr) return v.address
  if (v instanceof RRegexp) {
    const on = [...'mix'].filter((f) => v.flags.includes(f)).join('')
    const off = [...'mix'].filter((f) => !v.flags.includes(f)).join('')
    return `(?${on}${off ? `-${off}` : ''}:${v.source})`
  }
  if (v instanceof RMatch) return v.groups[0] ?? ''
  if (Array.isArray(v) || isHash(v)) return inspect(v)
  return rubyToS(v)
}

/** Ruby's `inspect`. */
export function inspect(v: RValue): string {
  if (v instanceof RFloat) return rubyFloatToS(v.value)
  if (v instanceof RTime) return timeToS(v)
  if (v instanceof RIPAddr) return `#<IPAddr: IPv${v.family}:${v.address}>`
  if (v instanceof RRegexp) return `/${v.source}/${v.flags}`
  if (v instanceof RMatch) return `#<MatchData ${rubyInspect(v.groups[0])}>`
  if (Array.isArray(v)) return `[${v.map((x) => inspect(fromRecord(x))).join(', ')}]`
  if (isHash(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${rubyInspect(k)} => ${inspect(fromRecord(x))}`)
      .join(', ')}}`
  return rubyInspect(v)
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `Time#to_s`: `2015-09-07 01:23:04 +0900`, or `… UTC` for a UTC time. */
export function timeToS(t: RTime): string {
  const offset = t.utc ? 0 : localOffset(t.sec)
  const d = new Date((t.sec + offset) * 1000)
  const text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return t.utc ? `${text} UTC` : `${text} ${offsetText(offset, false)}`
}

/** The host's offset east of UTC at `sec`, in seconds. */
export function localOffset(sec: number): number {
  return -new Date(sec * 1000).getTimezoneOffset() * 60
}

export function offsetText(offset: number, colon: boolean): string {
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${sign}${pad(Math.floor(abs / 3600))}${colon ? ':' : ''}${pad(Math.floor((abs % 3600) / 60))}`
}

/** Ruby's `==`: numbers compare by value across Integer and Float; arrays and hashes deeply. */
export function rubyEquals(a: RValue, b: RValue): boolean {
  a = fromRecord(a)
  b = fromRecord(b)
  if (isNumeric(a) && isNumeric(b)) return toNumber(a) === toNumber(b)
  if (typeof a === 'string' && typeof b === 'string') return a === b
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => rubyEquals(x as RValue, b[i] as RValue))
  if (isHash(a) && isHash(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && rubyEquals(a[k] as RValue, b[k] as RValue))
  }
  if (a instanceof RTime && b instanceof RTime) return a.sec === b.sec && a.nsec === b.nsec
  if (a instanceof RIPAddr && b instanceof RIPAddr) return a.address === b.address
  return a === b
}

/** A numeric value as a JS number (bigints may lose precision: only for comparisons and Float math). */
export function toNumber(v: number | bigint | RFloat): number {
  return v instanceof RFloat ? v.value : Number(v)
}

/** Ruby's JSON generation (`to_json`): compact, UTF-8 kept, floats as Ruby prints them. */
export function toJson(v: RValue): string {
  v = fromRecord(v)
  if (v === null) return 'null'
  if (typeof v === 'boolean' || isInteger(v)) return String(v)
  if (v instanceof RFloat) {
    if (!Number.isFinite(v.value)) throw new RubyError(`${rubyFloatToS(v.value)} not allowed in JSON`, 'JSON::GeneratorError')
    return rubyFloatToS(v.value)
  }
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map((x) => toJson(x as RValue)).join(',')}]`
  if (isHash(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x as RValue)}`)
      .join(',')}}`
  return JSON.stringify(toS(v))
}
