/**
 * @module strptime as Ruby's `Date._strptime` reads text (the library behind `Time.strptime`,
 * which Fluentd's `time_format` uses): conversions are compiled once into steps; a step reads
 * numbers greedily unless the next conversion is numeric too (then `%Y` reads 4 digits, `%L` 3,
 * `%N` 9), whitespace in the format matches any run of whitespace (or none), text after the last
 * conversion is ignored. Extensions over Ruby, documented in engine/time/README.md: a width on
 * the fractions (`%3N`, `%6N`, `%9N`) limits the digits read — Ruby rejects the format.
 *
 * Conversions: `%Y %C %y %m %d %e %j %H %k %I %l %M %S %L %N %p %P %b %B %h %a %A %u %w %U %W %V
 * %G %g %z %Z %s %Q %T %D %F %R %r %c %x %X %v %+ %n %t %%` (and the `E`/`O` modifiers, ignored).
 */

import type { TimeFields } from './fields.ts'
import { zoneOffset } from './zone.ts'

/** Reads a time string into fields; null when the text does not match the format. */
export type StrptimeMatcher = (text: string) => TimeFields | null

export class StrptimeFormatError extends Error {}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

/** Composite conversions, expanded at compile time. */
const COMPOSITES: Record<string, string> = {
  c: '%a %b %e %H:%M:%S %Y',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  T: '%H:%M:%S',
  X: '%H:%M:%S',
  x: '%m/%d/%y',
  v: '%e-%b-%Y',
  '+': '%a %b %e %H:%M:%S %Z %Y',
}

/** Conversions that read digits: when one follows, the one before reads a fixed width. */
const NUMERIC = 'CDdeFGgHIjkLlMmNQRrSsTUuVvWwXxYy'

type Step = { kind: 'literal'; text: string } | { kind: 'space' } | { kind: 'conv'; c: string; width: number | null; fixed: boolean }

/**
 * Compiles a strptime format. Throws StrptimeFormatError for a conversion Ruby does not know.
 *
 * @example
 * compileStrptime('%d/%b/%Y:%H:%M:%S %z')('28/Feb/2013:12:00:00 +0900') // { mday: 28, mon: 2, year: 2013, …, offset: 32400 }
 */
export function compileStrptime(format: string): StrptimeMatcher {
  const steps = compileSteps(format)
  return (text) => {
    const f: TimeFields = {}
    return run(steps, text, 0, f) < 0 ? null : f
  }
}

function compileSteps(format: string): Step[] {
  const steps: Step[] = []
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]
    if (isSpace(ch)) {
      while (i + 1 < format.length && isSpace(format[i + 1])) i++
      steps.push({ kind: 'space' })
      continue
    }
    if (ch !== '%' || i + 1 === format.length) {
      pushLiteral(steps, ch)
      continue
    }
    let j = i + 1
    let width: number | null = null
    const digits = /^\d+/.exec(format.slice(j))
    if (digits) {
      width = Number(digits[0])
      j += digits[0].length
    }
    while (format[j] === 'E' || format[j] === 'O') j++
    let c = format[j]
    if (c === ':') {
      while (format[j] === ':') j++
      c = format[j]
      if (c !== 'z') throw new StrptimeFormatError(`invalid strptime format - '${format}'`)
    }
    if (c === undefined) throw new StrptimeFormatError(`invalid strptime format - '${format}'`)
    i = j
    if (c === '%') {
      pushLiteral(steps, '%')
      continue
    }
    if (c === 'n' || c === 't') {
      steps.push({ kind: 'space' })
      continue
    }
    const composite = COMPOSITES[c]
    if (composite !== undefined) {
      steps.push(...compileSteps(composite))
      continue
    }
    if (!'YCymdejHkIlMSLNpPbBhaAuwUWVGgzZsQ'.includes(c)) throw new StrptimeFormatError(`invalid strptime format - '${format}'`)
    if (width !== null && c !== 'L' && c !== 'N')
      throw new StrptimeFormatError(`invalid strptime format - '${format}' (a width is only read on %L and %N)`)
    steps.push({ kind: 'conv', c, width, fixed: numericFollows(format, i + 1) })
  }
  return steps
}

function pushLiteral(steps: Step[], ch: string): void {
  const last = steps[steps.length - 1]
  if (last?.kind === 'literal') last.text += ch
  else steps.push({ kind: 'literal', text: ch })
}

/** Ruby's num_pattern_p: the format at `i` starts with a digit or a numeric conversion. */
function numericFollows(format: string, i: number): boolean {
  const c = format[i]
  if (c === undefined) return false
  if (c >= '0' && c <= '9') return true
  if (c !== '%') return false
  let j = i + 1
  while (format[j] >= '0' && format[j] <= '9') j++
  if (format[j] === 'E' || format[j] === 'O') j++
  const n = format[j]
  return n !== undefined && NUMERIC.includes(n)
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
}

/** Runs the steps from `si`; returns the position after the match, or -1. */
function run(steps: Step[], s: string, si: number, f: TimeFields): number {
  for (const step of steps) {
    if (step.kind === 'space') {
      while (si < s.length && isSpace(s[si])) si++
      continue
    }
    if (step.kind === 'literal') {
      if (!s.startsWith(step.text, si)) return -1
      si += step.text.length
      continue
    }
    si = convert(step, s, si, f)
    if (si < 0) return -1
  }
  return si
}

/** Reads up to `max` digits (Infinity: all); returns [value, end] or null when there is none. */
function digits(s: string, si: number, max: number): [number, number] | null {
  let end = si
  while (end < s.length && end - si < max) {
    const c = s.charCodeAt(end)
    if (c < 48 || c > 57) break
    end++
  }
  if (end === si) return null
  return [Number(s.slice(si, end)), end]
}

/** A number with an optional leading space (`%e`, `%k`, `%l`, also `%d`, `%H`, `%I` in Ruby). */
function spacedTwo(s: string, si: number): [number, number] | null {
  if (s[si] === ' ') return digits(s, si + 1, 1)
  return digits(s, si, 2)
}

function inRange(v: number, lo: number, hi: number): boolean {
  return v >= lo && v <= hi
}

function convert(step: Extract<Step, { kind: 'conv' }>, s: string, si: number, f: TimeFields): number {
  const { c, fixed } = step
  let r: [number, number] | null
  switch (c) {
    case 'Y':
    case 'G': {
      let sign = 1
      if (s[si] === '+' || s[si] === '-') {
        if (s[si] === '-') sign = -1
        si++
      }
      r = digits(s, si, fixed ? 4 : Infinity)
      if (r === null) return -1
      if (c === 'Y') f.year = sign * r[0]
      else f.cwyear = sign * r[0]
      return r[1]
    }
    case 'C': {
      let sign = 1
      if (s[si] === '+' || s[si] === '-') {
        if (s[si] === '-') sign = -1
        si++
      }
      r = digits(s, si, fixed ? 2 : Infinity)
      if (r === null) return -1
      f.century = sign * r[0]
      return r[1]
    }
    case 'y':
    case 'g':
      r = digits(s, si, 2)
      if (r === null || !inRange(r[0], 0, 99)) return -1
      if (c === 'y') {
        f.year = r[0] + (f.century === undefined ? (r[0] >= 69 ? 1900 : 2000) : 0)
      } else f.cwyear = r[0] + (r[0] >= 69 ? 1900 : 2000)
      return r[1]
    case 'm':
      r = digits(s, si, 2)
      if (r === null || !inRange(r[0], 1, 12)) return -1
      f.mon = r[0]
      return r[1]
    case 'd':
    case 'e':
      r = spacedTwo(s, si)
      if (r === null || !inRange(r[0], 1, 31)) return -1
      f.mday = r[0]
      return r[1]
    case 'j':
      r = digits(s, si, 3)
      if (r === null || !inRange(r[0], 1, 366)) return -1
      f.yday = r[0]
      return r[1]
    case 'H':
    case 'k':
      r = spacedTwo(s, si)
      if (r === null || !inRange(r[0], 0, 24)) return -1
      f.hour = r[0]
      return r[1]
    case 'I':
    case 'l':
      r = spacedTwo(s, si)
      if (r === null || !inRange(r[0], 1, 12)) return -1
      f.hour = r[0]
      return r[1]
    case 'M':
      r = digits(s, si, 2)
      if (r === null || !inRange(r[0], 0, 59)) return -1
      f.min = r[0]
      return r[1]
    case 'S':
      r = digits(s, si, 2)
      if (r === null || !inRange(r[0], 0, 60)) return -1
      f.sec = r[0]
      return r[1]
    case 'L':
    case 'N': {
      let negative = false
      if (s[si] === '+' || s[si] === '-') {
        negative = s[si] === '-'
        si++
      }
      const max = step.width ?? (fixed ? (c === 'L' ? 3 : 9) : Infinity)
      let end = si
      while (end < s.length && end - si < max && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++
      if (end === si) return -1
      const text = s.slice(si, Math.min(end, si + 9)).padEnd(9, '0')
      f.nsec = negative ? -Number(text) : Number(text)
      return end
    }
    case 'p':
    case 'P': {
      const m = /^([ap])(?:m\b|\.m\.)/i.exec(s.slice(si, si + 4))
      if (m === null) return -1
      f.merid = m[1].toLowerCase() === 'p' ? 12 : 0
      return si + m[0].length
    }
    case 'b':
    case 'B':
    case 'h': {
      const i = matchName(s, si, MONTHS)
      if (i < 0) return -1
      f.mon = (i % 12) + 1
      return si + nameLength(s, si, MONTHS, i)
    }
    case 'a':
    case 'A': {
      const i = matchName(s, si, DAYS)
      if (i < 0) return -1
      f.wday = i % 7
      return si + nameLength(s, si, DAYS, i)
    }
    case 'u':
      r = digits(s, si, 1)
      if (r === null || !inRange(r[0], 1, 7)) return -1
      f.cwday = r[0]
      return r[1]
    case 'w':
      r = digits(s, si, 1)
      if (r === null || !inRange(r[0], 0, 6)) return -1
      f.wday = r[0]
      return r[1]
    case 'U':
    case 'W':
      r = digits(s, si, 2)
      if (r === null || !inRange(r[0], 0, 53)) return -1
      if (c === 'U') f.wnum0 = r[0]
      else f.wnum1 = r[0]
      return r[1]
    case 'V':
      r = digits(s, si, 2)
      if (r === null || !inRange(r[0], 1, 53)) return -1
      f.cweek = r[0]
      return r[1]
    case 's':
    case 'Q': {
      let sign = 1
      if (s[si] === '-') {
        sign = -1
        si++
      } else if (s[si] === '+') si++
      r = digits(s, si, Infinity)
      if (r === null) return -1
      if (c === 's') f.seconds = sign * r[0]
      else {
        const ms = sign * r[0]
        f.seconds = Math.floor(ms / 1000)
        f.secondsNsec = (ms - f.seconds * 1000) * 1e6
      }
      return r[1]
    }
    case 'z':
    case 'Z': {
      const m = ZONE_TEXT.exec(s.slice(si))
      if (m === null) return -1
      f.zone = m[0]
      const offset = zoneOffset(m[0])
      if (offset !== null) f.offset = offset
      return si + m[0].length
    }
  }
  return -1
}

/** The zone forms Ruby's `%z` reads. */
const ZONE_TEXT = /^(?:(?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?|[A-Za-z.\s]+(?:standard|daylight)\s+time\b|[A-Za-z]+(?:\sdst)?\b)/i

/** Index of the first full name, then abbreviation (3 letters), found at `si` (case-insensitive). */
function matchName(s: string, si: number, names: readonly string[]): number {
  const lower = s.slice(si, si + 9).toLowerCase()
  for (let i = 0; i < names.length; i++) if (lower.startsWith(names[i])) return i
  for (let i = 0; i < names.length; i++) if (lower.startsWith(names[i].slice(0, 3))) return i + names.length
  return -1
}

function nameLength(_s: string, _si: number, names: readonly string[], i: number): number {
  return i < names.length ? names[i].length : 3
}
