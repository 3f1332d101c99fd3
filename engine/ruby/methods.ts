/**
 * @module The methods values answer in the Ruby subset, with Ruby's results and errors: String
 * (case, strip, gsub/sub with Ruby replacement escapes, split, tr, include?, start_with?…),
 * Integer/Float (to_s, to_i, to_f, round…), Array, Hash (records: [], dig, fetch, keys,
 * to_json…), Time (to_i, to_f, strftime, iso8601, utc…), nil, IPAddr and MatchData.
 * `METHOD_ARITY` lists every name with its argument counts: the compiler refuses anything else.
 */

import { EventTime } from '../event-time.ts'
import { compileRubyRegexp } from './regexp.ts'
import { rubyStrftime } from './strftime.ts'
import {
  className,
  fromRecord,
  inspect,
  isHash,
  isInteger,
  isNumeric,
  localOffset,
  offsetText,
  RFloat,
  RIPAddr,
  RMatch,
  RRegexp,
  RTime,
  rubyEquals,
  RubyError,
  toJson,
  toNumber,
  toS,
  type RValue,
} from './values.ts'

/** [min, max] argument counts of every value method the subset knows. */
export const METHOD_ARITY: Readonly<Record<string, readonly [number, number]>> = {
  to_s: [0, 0],
  to_str: [0, 0],
  inspect: [0, 0],
  to_i: [0, 0],
  to_f: [0, 0],
  to_a: [0, 0],
  to_json: [0, 0],
  'nil?': [0, 0],
  'empty?': [0, 0],
  'zero?': [0, 0],
  dup: [0, 0],
  freeze: [0, 0],
  itself: [0, 0],
  downcase: [0, 0],
  upcase: [0, 0],
  capitalize: [0, 0],
  swapcase: [0, 0],
  strip: [0, 0],
  lstrip: [0, 0],
  rstrip: [0, 0],
  chomp: [0, 1],
  chop: [0, 0],
  reverse: [0, 0],
  length: [0, 0],
  size: [0, 0],
  'include?': [1, 1],
  'start_with?': [1, Infinity],
  'end_with?': [1, Infinity],
  gsub: [2, 2],
  sub: [2, 2],
  split: [0, 2],
  tr: [2, 2],
  delete: [1, 1],
  squeeze: [0, 0],
  index: [1, 1],
  'match?': [1, 1],
  match: [1, 1],
  scan: [1, 1],
  slice: [1, Infinity],
  except: [0, Infinity],
  first: [0, 1],
  last: [0, 1],
  join: [0, 1],
  compact: [0, 0],
  uniq: [0, 0],
  sort: [0, 0],
  flatten: [0, 0],
  min: [0, 0],
  max: [0, 0],
  sum: [0, 0],
  count: [0, 0],
  dig: [1, Infinity],
  fetch: [1, 2],
  keys: [0, 0],
  values: [0, 0],
  'key?': [1, 1],
  'has_key?': [1, 1],
  'member?': [1, 1],
  merge: [1, 1],
  round: [0, 1],
  floor: [0, 0],
  ceil: [0, 0],
  abs: [0, 0],
  'even?': [0, 0],
  'odd?': [0, 0],
  strftime: [1, 1],
  iso8601: [0, 1],
  xmlschema: [0, 1],
  utc: [0, 0],
  getutc: [0, 0],
  gmtime: [0, 0],
  localtime: [0, 0],
  getlocal: [0, 0],
  'utc?': [0, 0],
  year: [0, 0],
  month: [0, 0],
  mon: [0, 0],
  day: [0, 0],
  mday: [0, 0],
  hour: [0, 0],
  sec: [0, 0],
  usec: [0, 0],
  nsec: [0, 0],
  wday: [0, 0],
  yday: [0, 0],
  'ipv4?': [0, 0],
  'ipv6?': [0, 0],
  captures: [0, 0],
  source: [0, 0],
}

function noMethod(name: string, recv: RValue): RubyError {
  const who = recv === null ? 'nil' : recv === true ? 'true' : recv === false ? 'false' : `an instance of ${className(recv)}`
  return new RubyError(`undefined method '${name}' for ${who}`, 'NoMethodError')
}

function typeError(expected: string, got: RValue): RubyError {
  return new RubyError(`no implicit conversion of ${got === null ? 'nil' : className(got)} into ${expected}`, 'TypeError')
}

function str(v: RValue, what = 'String'): string {
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) return new TextDecoder().decode(v)
  throw typeError(what, v)
}

function int(v: RValue): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof RFloat) return Math.trunc(v.value)
  throw typeError('Integer', v)
}

/** Ruby's `String#to_i`: leading blanks, a sign, digits with single underscores; else 0. */
export function stringToI(s: string): number | bigint {
  const m = /^[\s]*([+-]?\d+(?:_\d+)*)/.exec(s)
  if (!m) return 0
  const digits = m[1].replace(/_/g, '')
  const n = Number(digits)
  return Number.isSafeInteger(n) ? n : BigInt(digits)
}

/** Ruby's `String#to_f`: the longest leading float; else 0.0. */
export function stringToF(s: string): number {
  const m = /^[\s]*([+-]?(?:\d+(?:_\d+)*)(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+)?)/.exec(s)
  return m ? Number(m[1].replace(/_/g, '')) : 0
}

function regexpOf(v: RValue): RegExp | null {
  return v instanceof RRegexp ? v.regexp : null
}

/** A RegExp with the `g` flag for global operations (cached per Regexp value). */
const globalRegexps = new WeakMap<RRegexp, RegExp>()
function globalOf(v: RRegexp): RegExp {
  let g = globalRegexps.get(v)
  if (!g) {
    g = compileRubyRegexp(v.source, v.flags, 'g')
    globalRegexps.set(v, g)
  }
  g.lastIndex = 0
  return g
}

/** Ruby replacement text: `\0` `\&` the match, `\1`…`\9` groups, `\k<name>`, `\\` a backslash. */
function expandReplacement(replacement: string, match: RegExpExecArray | string[], groups?: Record<string, string | undefined>): string {
  let out = ''
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]
    if (c !== '\\' || i + 1 === replacement.length) {
      out += c
      continue
    }
    const n = replacement[++i]
    if (n === '&' || n === '0') out += match[0] ?? ''
    else if (/[1-9]/.test(n)) out += match[Number(n)] ?? ''
    else if (n === '\\') out += '\\'
    else if (n === 'k' && replacement[i + 1] === '<') {
      const end = replacement.indexOf('>', i)
      if (end < 0) out += '\\k'
      else {
        out += groups?.[replacement.slice(i + 2, end)] ?? ''
        i = end
      }
    } else out += `\\${n}`
  }
  return out
}

function substitute(s: string, pattern: RValue, replacement: RValue, global: boolean): string {
  const rep = str(replacement)
  if (typeof pattern === 'string') {
    if (!global) {
      const at = s.indexOf(pattern)
      return at < 0 ? s : s.slice(0, at) + expandReplacement(rep, [pattern]) + s.slice(at + pattern.length)
    }
    if (pattern === '') return s
    return s.split(pattern).join(expandReplacement(rep, [pattern]))
  }
  if (!(pattern instanceof RRegexp)) throw new RubyError(`wrong argument type ${className(pattern)} (expected Regexp)`, 'TypeError')
  if (!global) {
    const m = pattern.regexp.exec(s)
    if (!m) return s
    return s.slice(0, m.index) + expandReplacement(rep, m, m.groups) + s.slice(m.index + m[0].length)
  }
  const g = globalOf(pattern)
  let out = ''
  let last = 0
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    out += s.slice(last, m.index) + expandReplacement(rep, m, m.groups)
    last = m.index + m[0].length
    if (m[0] === '') g.lastIndex++
  }
  return out + s.slice(last)
}

/** Ruby's `String#split`: `' '` / no argument split on whitespace runs; trailing empty fields dropped (unless a limit). */
function split(s: string, sep: RValue | undefined, limit: number | undefined): string[] {
  let parts: string[]
  const awk = sep === undefined || sep === null || sep === ' '
  if (awk) {
    const trimmed = s.replace(/^\s+/, '')
    if (trimmed === '') return []
    if (limit !== undefined && limit > 0) {
      parts = []
      let rest = trimmed
      while (parts.length < limit - 1) {
        const m = /\s+/.exec(rest)
        if (!m) break
        parts.push(rest.slice(0, m.index))
        rest = rest.slice(m.index + m[0].length)
      }
      parts.push(rest)
      return parts
    }
    parts = trimmed.split(/\s+/)
  } else if (typeof sep === 'string') {
    parts = sep === '' ? [...s] : s.split(sep)
    if (limit !== undefined && limit > 0 && parts.length > limit) parts = [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)]
  } else if (sep instanceof RRegexp) {
    parts = s.split(globalOf(sep))
  } else throw new RubyError(`wrong argument type ${className(sep)} (expected Regexp)`, 'TypeError')
  if (limit === undefined || limit === 0) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/** Ruby's `tr` with ranges (`a-z`) and `^` negation. */
function tr(s: string, from: string, to: string): string {
  const expand = (set: string) => {
    const out: string[] = []
    for (let i = 0; i < set.length; i++) {
      if (set[i + 1] === '-' && i + 2 < set.length) {
        for (let c = set.charCodeAt(i); c <= set.charCodeAt(i + 2); c++) out.push(String.fromCharCode(c))
        i += 2
      } else out.push(set[i])
    }
    return out
  }
  const negate = from.length > 1 && from.startsWith('^')
  const src = expand(negate ? from.slice(1) : from)
  const dst = expand(to)
  let out = ''
  for (const ch of s) {
    const at = src.indexOf(ch)
    if (negate) out += at < 0 ? (dst[dst.length - 1] ?? '') : ch
    else if (at < 0) out += ch
    else out += dst.length === 0 ? '' : (dst[Math.min(at, dst.length - 1)] ?? '')
  }
  return out
}

function index(list: readonly unknown[], i: number): RValue {
  const at = i < 0 ? list.length + i : i
  return at >= 0 && at < list.length ? fromRecord(list[at]) : null
}

/** `recv[args]` for values (Array, Hash, String, MatchData). */
export function indexValue(recv: RValue, args: RValue[]): RValue {
  if (Array.isArray(recv)) {
    if (args.length === 2) {
      const start = int(args[0])
      const from = start < 0 ? recv.length + start : start
      if (from < 0 || from > recv.length) return null
      return recv.slice(from, from + Math.max(0, int(args[1]))) as RValue[]
    }
    return index(recv, int(args[0]))
  }
  if (isHash(recv)) {
    const key = args[0]
    if (typeof key !== 'string') return null
    return Object.hasOwn(recv, key) ? fromRecord(recv[key]) : null
  }
  if (typeof recv === 'string') {
    const chars = [...recv]
    if (args.length === 2) {
      const start = int(args[0])
      const from = start < 0 ? chars.length + start : start
      if (from < 0 || from > chars.length) return null
      return chars.slice(from, from + Math.max(0, int(args[1]))).join('')
    }
    if (typeof args[0] === 'string') return recv.includes(args[0]) ? args[0] : null
    if (args[0] instanceof RRegexp) return args[0].regexp.exec(recv)?.[0] ?? null
    return index(chars, int(args[0]))
  }
  if (recv instanceof RMatch) {
    if (typeof args[0] === 'string') return recv.named[args[0]] ?? null
    return index(recv.groups, int(args[0]))
  }
  throw noMethod('[]', recv)
}

function numeric(v: RValue): number | bigint | RFloat {
  if (isNumeric(v)) return v
  throw typeError('Integer', v)
}

function newTime(sec: number, nsec: number, utc: boolean): RTime {
  return new RTime(sec, nsec, utc)
}

/** `Time.at(x)`: from a Time, an EventTime or a number of seconds. */
export function timeAt(v: RValue): RTime {
  if (v instanceof RTime) return newTime(v.sec, v.nsec, false)
  if (v instanceof EventTime) return newTime(v.sec, v.nsec, false)
  if (isInteger(v)) return newTime(Number(v), 0, false)
  if (v instanceof RFloat) {
    const sec = Math.floor(v.value)
    return newTime(sec, Math.round((v.value - sec) * 1e9) % 1e9, false)
  }
  throw new RubyError(`can't convert ${className(v)} into an exact number`, 'TypeError')
}

function iso8601(t: RTime, digits: number): string {
  const base = rubyStrftime(t, '%Y-%m-%dT%H:%M:%S')
  const frac = digits > 0 ? `.${String(t.nsec).padStart(9, '0').slice(0, Math.min(digits, 9)).padEnd(digits, '0')}` : ''
  return base + frac + (t.utc ? 'Z' : offsetText(localOffset(t.sec), true))
}

function calendar(t: RTime): Date {
  return new Date((t.sec + (t.utc ? 0 : localOffset(t.sec))) * 1000)
}

function arith(op: '+' | '-' | '*' | '/' | '%', a: number | bigint | RFloat, b: number | bigint | RFloat): RValue {
  if (a instanceof RFloat || b instanceof RFloat) {
    const x = toNumber(a)
    const y = toNumber(b)
    if (op === '+') return new RFloat(x + y)
    if (op === '-') return new RFloat(x - y)
    if (op === '*') return new RFloat(x * y)
    if (op === '/') return new RFloat(x / y)
    return new RFloat(x - y * Math.floor(x / y))
  }
  const x = BigInt(a)
  const y = BigInt(b)
  let r: bigint
  if (op === '+') r = x + y
  else if (op === '-') r = x - y
  else if (op === '*') r = x * y
  else {
    if (y === 0n) throw new RubyError('divided by 0', 'ZeroDivisionError')
    let q = x / y
    if (x % y !== 0n && x < 0n !== y < 0n) q -= 1n
    r = op === '/' ? q : x - y * q
  }
  const n = Number(r)
  return Number.isSafeInteger(n) ? n : r
}

/** The binary operators `+ - * / %` (numbers, String/Array concatenation, String repetition, Time ± seconds). */
export function binary(op: '+' | '-' | '*' | '/' | '%', a: RValue, b: RValue): RValue {
  a = fromRecord(a)
  b = fromRecord(b)
  if (isNumeric(a)) return arith(op, a, numeric(b))
  if (typeof a === 'string') {
    if (op === '+') return a + str(b)
    if (op === '*') return a.repeat(Math.max(0, int(b)))
    throw noMethod(op, a)
  }
  if (Array.isArray(a) && op === '+') {
    if (!Array.isArray(b)) throw typeError('Array', b)
    return [...a, ...b] as RValue[]
  }
  if (a instanceof RTime && (op === '+' || op === '-')) {
    if (b instanceof RTime && op === '-') return new RFloat(a.sec - b.sec + (a.nsec - b.nsec) / 1e9)
    const delta = toNumber(numeric(b)) * (op === '+' ? 1 : -1)
    const total = a.sec + a.nsec / 1e9 + delta
    const sec = Math.floor(total)
    return newTime(sec, Math.round((total - sec) * 1e9) % 1e9, a.utc)
  }
  throw noMethod(op, a)
}

/** `< <= > >=` on numbers, strings and times. */
export function compare(op: '<' | '<=' | '>' | '>=', a: RValue, b: RValue): boolean {
  a = fromRecord(a)
  b = fromRecord(b)
  let c: number
  if (isNumeric(a) && isNumeric(b)) c = toNumber(a) - toNumber(b)
  else if (typeof a === 'string' && typeof b === 'string') c = a < b ? -1 : a > b ? 1 : 0
  else if (a instanceof RTime && b instanceof RTime) c = a.sec - b.sec || a.nsec - b.nsec
  else throw new RubyError(`comparison of ${className(a)} with ${b === null ? 'nil' : inspect(b)} failed`, 'ArgumentError')
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0
}

/** `str =~ re`: the match index or nil. */
export function matchIndex(a: RValue, b: RValue): RValue {
  const [s, re] = typeof a === 'string' ? [a, regexpOf(b)] : [typeof b === 'string' ? b : null, regexpOf(a)]
  if (s === null) return null
  if (re === null) throw new RubyError(`wrong argument type ${className(b)} (expected Regexp)`, 'TypeError')
  const m = re.exec(s)
  return m ? m.index : null
}

/**
 * Calls `recv.name(*args)`.
 *
 * @example
 * callMethod('a.b.c', 'split', ['.']) // ['a', 'b', 'c']
 */
export function callMethod(recv: RValue, name: string, args: RValue[]): RValue {
  recv = fromRecord(recv)
  // Methods every object has.
  switch (name) {
    case 'nil?':
      return recv === null
    case 'to_s':
      return toS(recv)
    case 'inspect':
      return inspect(recv)
    case 'to_json':
      return toJson(recv)
    case 'dup':
    case 'freeze':
    case 'itself':
      return recv
  }
  if (recv === null) {
    if (name === 'to_i') return 0
    if (name === 'to_f') return new RFloat(0)
    if (name === 'to_a') return []
    throw noMethod(name, recv)
  }
  if (typeof recv === 'string' || recv instanceof Uint8Array) return stringMethod(str(recv), name, args)
  if (isNumeric(recv)) return numberMethod(recv, name, args)
  if (Array.isArray(recv)) return arrayMethod(recv, name, args)
  if (recv instanceof RTime) return timeMethod(recv, name, args)
  if (recv instanceof EventTime) return timeMethod(timeAt(recv), name, args)
  if (recv instanceof RIPAddr) {
    if (name === 'ipv4?') return recv.family === 4
    if (name === 'ipv6?') return recv.family === 6
    throw noMethod(name, recv)
  }
  if (recv instanceof RMatch) {
    if (name === 'captures') return recv.groups.slice(1)
    if (name === 'to_a') return recv.groups
    throw noMethod(name, recv)
  }
  if (recv instanceof RRegexp) {
    if (name === 'source') return recv.source
    if (name === 'match?') return typeof args[0] === 'string' && recv.regexp.test(args[0])
    if (name === 'match') return matchData(recv, args[0])
    throw noMethod(name, recv)
  }
  if (isHash(recv)) return hashMethod(recv, name, args)
  throw noMethod(name, recv)
}

function matchData(re: RRegexp, target: RValue): RValue {
  if (target === null) return null
  const m = re.regexp.exec(str(target))
  if (!m) return null
  return new RMatch(
    [...m].map((g) => g ?? null),
    Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, v ?? null])),
  )
}

function stringMethod(s: string, name: string, args: RValue[]): RValue {
  switch (name) {
    case 'to_str':
      return s
    case 'to_i':
      return stringToI(s)
    case 'to_f':
      return new RFloat(stringToF(s))
    case 'downcase':
      return s.toLowerCase()
    case 'upcase':
      return s.toUpperCase()
    case 'capitalize':
      return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()
    case 'swapcase':
      return [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')
    case 'strip':
      return s.replace(/^[\s\0]+|[\s\0]+$/g, '')
    case 'lstrip':
      return s.replace(/^\s+/, '')
    case 'rstrip':
      return s.replace(/[\s\0]+$/, '')
    case 'chomp':
      if (args.length === 1) {
        const suffix = str(args[0])
        return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s
      }
      return s.replace(/(\r\n|\n|\r)$/, '')
    case 'chop':
      return s.endsWith('\r\n') ? s.slice(0, -2) : [...s].slice(0, -1).join('')
    case 'reverse':
      return [...s].reverse().join('')
    case 'length':
    case 'size':
      return [...s].length
    case 'empty?':
      return s === ''
    case 'include?':
      return s.includes(str(args[0]))
    case 'start_with?':
      return args.some((a) => (a instanceof RRegexp ? a.regexp.exec(s)?.index === 0 : s.startsWith(str(a))))
    case 'end_with?':
      return args.some((a) => s.endsWith(str(a)))
    case 'gsub':
      return substitute(s, args[0], args[1], true)
    case 'sub':
      return substitute(s, args[0], args[1], false)
    case 'split':
      return split(s, args[0], args[1] === undefined ? undefined : int(args[1]))
    case 'tr':
      return tr(s, str(args[0]), str(args[1]))
    case 'delete': {
      const set = str(args[0])
      return [...s].filter((c) => !set.includes(c)).join('')
    }
    case 'squeeze':
      return s.replace(/(.)\1+/gs, '$1')
    case 'index': {
      const at = args[0] instanceof RRegexp ? (args[0].regexp.exec(s)?.index ?? -1) : s.indexOf(str(args[0]))
      return at < 0 ? null : at
    }
    case 'match?':
      if (args[0] instanceof RRegexp) return args[0].regexp.test(s)
      return s.includes(str(args[0]))
    case 'match': {
      const re =
        args[0] instanceof RRegexp
          ? args[0]
          : new RRegexp(escapeRegExp(str(args[0])), '', compileRubyRegexp(escapeRegExp(str(args[0])), ''))
      return matchData(re, s)
    }
    case 'scan': {
      if (!(args[0] instanceof RRegexp)) {
        const needle = str(args[0])
        return needle === '' ? [] : Array<RValue>(s.split(needle).length - 1).fill(needle)
      }
      const out: RValue[] = []
      const g = globalOf(args[0])
      for (let m = g.exec(s); m !== null; m = g.exec(s)) {
        out.push(m.length > 1 ? [...m].slice(1).map((x) => x ?? null) : m[0])
        if (m[0] === '') g.lastIndex++
      }
      return out
    }
    case 'slice':
      return indexValue(s, args)
  }
  throw noMethod(name, s)
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function numberMethod(n: number | bigint | RFloat, name: string, args: RValue[]): RValue {
  const x = toNumber(n)
  const float = n instanceof RFloat
  switch (name) {
    case 'to_i':
      if (float) {
        if (!Number.isFinite(x)) throw new RubyError(`${toS(n)}`, 'FloatDomainError')
        return Math.trunc(x)
      }
      return n as number | bigint
    case 'to_f':
      return new RFloat(x)
    case 'round': {
      const digits = args.length > 0 ? int(args[0]) : 0
      if (!float) return n as number | bigint
      if (digits > 0) return new RFloat(Number(Math.round(Number(`${x}e${digits}`)) + `e-${digits}`))
      // Ruby rounds half away from zero.
      return Math.sign(x) * Math.round(Math.abs(x))
    }
    case 'floor':
      return float ? Math.floor(x) : (n as number | bigint)
    case 'ceil':
      return float ? Math.ceil(x) : (n as number | bigint)
    case 'abs':
      if (float) return new RFloat(Math.abs(x))
      return typeof n === 'bigint' ? (n < 0n ? -n : n) : Math.abs(n as number)
    case 'zero?':
      return x === 0
    case 'even?':
      return !float && Number(BigInt(n as number | bigint) % 2n) === 0
    case 'odd?':
      return !float && Number(BigInt(n as number | bigint) % 2n) !== 0
  }
  throw noMethod(name, n)
}

function arrayMethod(list: unknown[], name: string, args: RValue[]): RValue {
  const values = () => list.map((x) => fromRecord(x))
  switch (name) {
    case 'length':
    case 'size':
    case 'count':
      return list.length
    case 'empty?':
      return list.length === 0
    case 'first':
      return args.length === 0 ? index(list, 0) : (values().slice(0, int(args[0])) as RValue[])
    case 'last':
      return args.length === 0 ? index(list, -1) : (values().slice(Math.max(0, list.length - int(args[0]))) as RValue[])
    case 'join': {
      const sep = args.length > 0 && args[0] !== null ? str(args[0]) : ''
      const flat = (xs: unknown[]): string => xs.map((x) => (Array.isArray(x) ? flat(x) : toS(fromRecord(x)))).join(sep)
      return flat(list)
    }
    case 'include?':
      return list.some((x) => rubyEquals(x as RValue, args[0]))
    case 'compact':
      return values().filter((x) => x !== null)
    case 'uniq': {
      const out: RValue[] = []
      for (const x of values()) if (!out.some((y) => rubyEquals(x, y))) out.push(x)
      return out
    }
    case 'sort':
      return [...values()].sort((a, b) => (compare('<', a, b) ? -1 : compare('>', a, b) ? 1 : 0))
    case 'reverse':
      return [...values()].reverse()
    case 'flatten': {
      const flat = (xs: unknown[]): RValue[] => xs.flatMap((x) => (Array.isArray(x) ? flat(x) : [fromRecord(x)]))
      return flat(list)
    }
    case 'min':
    case 'max': {
      const xs = values()
      if (xs.length === 0) return null
      return xs.reduce((a, b) => (compare(name === 'min' ? '<=' : '>=', a, b) ? a : b))
    }
    case 'sum':
      return values().reduce((a, b) => binary('+', a, b), 0 as RValue)
    case 'to_a':
      return list as RValue[]
    case 'slice':
      return indexValue(list as RValue[], args)
    case 'dig': {
      const first = indexValue(list as RValue[], [args[0]])
      return args.length === 1 || first === null ? first : callMethod(first, 'dig', args.slice(1))
    }
  }
  throw noMethod(name, list as RValue[])
}

function hashMethod(hash: Record<string, unknown>, name: string, args: RValue[]): RValue {
  switch (name) {
    case 'dig': {
      const first = indexValue(hash, [args[0]])
      return args.length === 1 || first === null ? first : callMethod(first, 'dig', args.slice(1))
    }
    case 'fetch': {
      const key = args[0]
      if (typeof key === 'string' && Object.hasOwn(hash, key)) return fromRecord(hash[key])
      if (args.length > 1) return args[1]
      throw new RubyError(`key not found: ${inspect(key)}`, 'KeyError')
    }
    case 'keys':
      return Object.keys(hash)
    case 'values':
      return Object.values(hash).map(fromRecord)
    case 'key?':
    case 'has_key?':
    case 'include?':
    case 'member?':
      return typeof args[0] === 'string' && Object.hasOwn(hash, args[0])
    case 'length':
    case 'size':
    case 'count':
      return Object.keys(hash).length
    case 'empty?':
      return Object.keys(hash).length === 0
    case 'merge': {
      const other = args[0]
      if (!isHash(other)) throw typeError('Hash', other)
      return { ...hash, ...other }
    }
    case 'slice': {
      const out: Record<string, unknown> = {}
      for (const k of args) if (typeof k === 'string' && Object.hasOwn(hash, k)) out[k] = hash[k]
      return out
    }
    case 'except': {
      const out: Record<string, unknown> = { ...hash }
      for (const k of args) if (typeof k === 'string') delete out[k]
      return out
    }
    case 'to_a':
      return Object.entries(hash).map(([k, v]) => [k, fromRecord(v)])
  }
  throw noMethod(name, hash)
}

function timeMethod(t: RTime, name: string, args: RValue[]): RValue {
  switch (name) {
    case 'to_i':
      return t.sec
    case 'to_f':
      return new RFloat(t.sec + t.nsec / 1e9)
    case 'strftime':
      return rubyStrftime(t, str(args[0]))
    case 'iso8601':
    case 'xmlschema':
      return iso8601(t, args.length > 0 ? int(args[0]) : 0)
    case 'utc':
    case 'getutc':
    case 'gmtime':
      return newTime(t.sec, t.nsec, true)
    case 'localtime':
    case 'getlocal':
      return newTime(t.sec, t.nsec, false)
    case 'utc?':
      return t.utc
    case 'year':
      return calendar(t).getUTCFullYear()
    case 'month':
    case 'mon':
      return calendar(t).getUTCMonth() + 1
    case 'day':
    case 'mday':
      return calendar(t).getUTCDate()
    case 'hour':
      return calendar(t).getUTCHours()
    case 'min':
      return calendar(t).getUTCMinutes()
    case 'sec':
      return calendar(t).getUTCSeconds()
    case 'usec':
      return Math.floor(t.nsec / 1000)
    case 'nsec':
      return t.nsec
    case 'wday':
      return calendar(t).getUTCDay()
    case 'yday': {
      const d = calendar(t)
      return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1
    }
  }
  throw noMethod(name, t)
}
