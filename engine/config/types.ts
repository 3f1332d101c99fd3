/**
 * @module Typed param values: Fluentd's config types (string, integer, float, bool, enum, size,
 * time, array, hash, regexp) parsed from the written string, each with a precise error.
 */

import { translateRubyRegexp } from '../ruby/regexp.ts'

export type ParamType = 'string' | 'integer' | 'float' | 'bool' | 'enum' | 'size' | 'time' | 'array' | 'hash' | 'regexp'

/** A parsed `regexp` value: the source and flags as written, and the compiled JavaScript RegExp. */
export interface RegexpValue {
  source: string
  /** Ruby flags as written: `i` and/or `m`. */
  flags: string
  regexp: RegExp
}

export type TypedValue = string | number | boolean | unknown[] | Record<string, unknown> | RegexpValue

export type TypeResult<T = TypedValue> = { ok: true; value: T } | { ok: false; reason: string; hint: string }

/** One written example per type, for error hints and UI placeholders. */
export const TYPE_EXAMPLES: Record<ParamType, string> = {
  string: 'any text',
  integer: '24224',
  float: '0.5',
  bool: 'true, false, yes or no',
  enum: 'one of the listed values',
  size: '8m (powers of 1024: k, m, g, t; plain = bytes)',
  time: '30s (units s, m, h, d; plain = seconds, e.g. 0.5)',
  array: 'a,b,c or ["a","b"]',
  hash: 'k1:v1,k2:v2 or {"k1":"v1"}',
  regexp: '/^app\\./i or ^app\\.',
}

const ok = <T>(value: T): TypeResult<T> => ({ ok: true, value })
const fail = (type: ParamType, written: string, hint = `e.g. ${TYPE_EXAMPLES[type]}`): TypeResult<never> => ({
  ok: false,
  reason: `invalid ${type} ${JSON.stringify(written)}`,
  hint,
})

/** Decimal integer with optional sign and `_` separators (Ruby's Integer() minus 0x/0b/0o forms). */
export function parseInteger(text: string): TypeResult<number> {
  const s = text.trim()
  if (!/^[+-]?\d+(_\d+)*$/.test(s)) return fail('integer', text)
  const n = Number(s.replace(/_/g, ''))
  if (!Number.isSafeInteger(n)) return fail('integer', text, `it is larger than ${Number.MAX_SAFE_INTEGER}`)
  return ok(n)
}

const FLOAT = /^[+-]?(\d+(_\d+)*(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/

export function parseFloatValue(text: string): TypeResult<number> {
  const s = text.trim()
  if (!FLOAT.test(s)) return fail('float', text)
  return ok(Number(s.replace(/_/g, '')))
}

/** `true`/`yes` → true, `false`/`no` → false, empty → true (a bare `key` line turns a flag on). */
export function parseBool(text: string): TypeResult<boolean> {
  switch (text.trim()) {
    case 'true':
    case 'yes':
    case '':
      return ok(true)
    case 'false':
    case 'no':
      return ok(false)
  }
  // Fluentd reads `flag #comment` as the value "#comment" and treats it as true; so do we.
  if (text.startsWith('#')) return ok(true)
  return fail('bool', text, 'write true, false, yes or no (lowercase)')
}

export function parseEnum(text: string, values: readonly string[]): TypeResult<string> {
  const s = text.trim()
  if (values.includes(s)) return ok(s)
  return {
    ok: false,
    reason: `invalid value ${JSON.stringify(text)}`,
    hint: `valid options are ${values.join(', ')}`,
  }
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/**
 * Bytes: a number with an optional unit `k|m|g|t` (any case, powers of 1024), optionally followed
 * by `b` or `ib` (`8MB`, `8MiB` are common in real configs). Decimals are exact: `1.5m` is
 * 1572864. Deliberately NOT Fluentd's behaviour: its unit regexes are unanchored and read only the
 * digits before the unit, so Fluentd takes `1.5m` as 5 MiB and `1.5k` as 5 KiB. Anything else
 * (`8 megs`, `-1k`, `m`) is an error instead of Fluentd's silent `to_i`.
 */
export function parseSize(text: string): TypeResult<number> {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim())
  if (!m) return fail('size', text)
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()])
  if (!Number.isSafeInteger(bytes)) return fail('size', text, 'the size is too large')
  return ok(bytes)
}

const TIME_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }

/**
 * Seconds (float): a number with an optional lowercase unit `s|m|h|d`; plain numbers are seconds
 * and may be fractional (`0.1`). `1.5m` is 90 seconds, NOT Fluentd's 5 minutes (see `parseSize`).
 * `500ms` is rejected (Fluentd would read 500 minutes).
 */
export function parseTime(text: string): TypeResult<number> {
  const s = text.trim()
  const m = /^([+-]?(?:\d+(?:\.\d+)?|\.\d+))([smhd]?)$/.exec(s)
  if (!m) {
    if (/^[+-]?[\d.]+ms$/.test(s)) {
      return fail('time', text, `milliseconds are written as fractions of a second, e.g. ${Number(s.slice(0, -2)) / 1000}`)
    }
    if (/^[+-]?[\d.]+[SMHD]$/.test(s)) return fail('time', text, 'time units are lowercase: s, m, h, d')
    return fail('time', text)
  }
  return ok(Number(m[1]) * TIME_UNITS[m[2]])
}

/**
 * A JSON array, or comma-separated values (`a, b,c` → ["a","b","c"]; blanks around commas are
 * dropped and, as with Ruby's split, so are trailing empty items).
 */
export function parseArray(text: string): TypeResult<unknown[]> {
  if (text.trimStart().startsWith('[')) {
    const parsed = parseJson(text)
    if (!Array.isArray(parsed)) {
      return fail('array', text, `a value starting with [ must be a JSON array, e.g. ${TYPE_EXAMPLES.array}`)
    }
    return ok(parsed)
  }
  return ok(splitList(text))
}

/**
 * A JSON object, or `k1:v1,k2:v2` (split at the first `:` of each item; blanks around commas are
 * dropped, blanks around `:` are kept as Fluentd keeps them).
 */
export function parseHash(text: string): TypeResult<Record<string, unknown>> {
  if (text.trimStart().startsWith('{')) {
    const parsed = parseJson(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return fail('hash', text, `a value starting with { must be a JSON object, e.g. ${TYPE_EXAMPLES.hash}`)
    }
    return ok(parsed as Record<string, unknown>)
  }
  const out: Record<string, unknown> = {}
  for (const item of splitList(text)) {
    const colon = item.indexOf(':')
    if (colon < 0) return fail('hash', text, `each item is key:value; ${JSON.stringify(item)} has no ':'`)
    Object.defineProperty(out, item.slice(0, colon), { value: item.slice(colon + 1), enumerable: true, writable: true, configurable: true })
  }
  return ok(out)
}

function splitList(text: string): string[] {
  const s = text.trim()
  if (s === '') return []
  const items = s.split(/\s*,\s*/)
  while (items.length > 0 && items[items.length - 1] === '') items.pop()
  return items
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * `/source/flags` (flags `i` and `m`, Ruby's meaning) or a bare pattern. Compiled to a JavaScript
 * RegExp that behaves like Ruby's: `^`/`$` match at line breaks (JS flag m), Ruby's m is JS's s,
 * and `\A`, `\z`, `\Z`, `\h` are translated. Other Ruby-only syntax is reported by the compiler.
 */
export function parseRegexp(text: string): TypeResult<RegexpValue> {
  let source = text
  let flags = ''
  if (text.startsWith('/')) {
    const end = text.lastIndexOf('/')
    if (end === 0) {
      return fail('regexp', text, 'a regexp that starts with / must end with / and optional flags, e.g. /^app\\./i')
    }
    source = text.slice(1, end)
    flags = text.slice(end + 1)
    if (!/^[im]*$/.test(flags)) {
      return fail('regexp', text, `unknown flags ${JSON.stringify(flags)}: the flags are i (ignore case) and m (. matches newlines)`)
    }
  }
  const jsFlags = 'm' + (flags.includes('i') ? 'i' : '') + (flags.includes('m') ? 's' : '')
  try {
    return ok({ source, flags, regexp: new RegExp(translateRubyRegexp(source), jsFlags) })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      reason: `invalid regexp ${JSON.stringify(text)}: ${message}`,
      hint: 'sluice compiles Ruby regexps as JavaScript ones; ' + 'avoid Ruby-only syntax such as possessive quantifiers or (?i) groups',
    }
  }
}

/** Parses `text` as `type`; enums need their `values`. */
export function parseTyped(type: ParamType, text: string, values: readonly string[] = []): TypeResult {
  switch (type) {
    case 'string':
      return ok(text)
    case 'integer':
      return parseInteger(text)
    case 'float':
      return parseFloatValue(text)
    case 'bool':
      return parseBool(text)
    case 'enum':
      return parseEnum(text, values)
    case 'size':
      return parseSize(text)
    case 'time':
      return parseTime(text)
    case 'array':
      return parseArray(text)
    case 'hash':
      return parseHash(text)
    case 'regexp':
      return parseRegexp(text)
  }
}
