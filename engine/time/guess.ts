/**
 * @module Reading a time without a format: Ruby's `Time.iso8601` (Fluentd's `%iso8601`) exactly,
 * and a subset of Ruby's `Time.parse` (`Date._parse`), which Fluentd uses when `time_format` is
 * not set (apache_error, `types k:time`, regexp/ltsv/csv without a format). The guesser reads, in
 * Ruby's order: a weekday name (ignored), a time of day (`14:32:52`, `.123456`, `am/pm`, a zone
 * after it), then one date form — `04 Dec 2005` / `04/Dec/2005`, `Dec 4, 2005`, `2005-12-04`,
 * `2005/12/04` or `04/12/2005` (day first, as Ruby reads it), `04.12.2005`, `20051204[hhmmss]` —
 * and a standalone zone. Forms outside this list (week dates, Japanese eras, bare ordinals) are
 * not recognised and give "no time information".
 */

import type { TimeFields } from './fields.ts'
import { zoneOffset } from './zone.ts'

const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*'
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const ZONE = '((?:gmt|utc?)?[-+]\\d+(?:[,.:]\\d+(?::\\d+)?)?|[A-Za-z.\\s]+(?:standard|daylight)\\stime\\b|[A-Za-z]+(?:\\sdst)?\\b)'

const DAY_NAME = /\b(sun|mon|tue|wed|thu|fri|sat)[a-z]*\.?/i
const TIME_OF_DAY = new RegExp(
  `(?<!\\d)(\\d{1,2})\\s*:\\s*(\\d{1,2})(?:\\s*:\\s*(\\d{1,2})(?:[,.](\\d*))?)?(?:\\s*([ap])(?:m\\b|\\.m\\.))?(?:\\s*${ZONE})?`,
  'i',
)
const HOUR_MERID = new RegExp(`(?<!\\d)(\\d{1,2})\\s*([ap])(?:m\\b|\\.m\\.)(?:\\s*${ZONE})?`, 'i')
const EU = new RegExp(`'?\\b(\\d+)(?:st|nd|rd|th)?\\b[^-\\d\\s']*\\s*${MONTH}[^-\\d\\s']*(?:\\s*('?-?\\d+))?`, 'i')
const US = new RegExp(`\\b${MONTH}[^-\\d\\s']*\\s*('?\\d+)(?:st|nd|rd|th)?\\b[^-\\d\\s']*(?:\\s*,?\\s*('?-?\\d+))?`, 'i')
const ISO = /('?[-+]?\d+)-(\d+)-('?-?\d+)/
const VMS = new RegExp(`('?-?\\d+)-${MONTH}[^-/.]*-('?-?\\d+)`, 'i')
const SLA = /('?-?\d+)\/\s*('?\d+)(?:\D\s*('?-?\d+))?/
const DOT = /('?-?\d+)\.\s*('?\d+)\.\s*('?-?\d+)/
const DIGITS = /(?<![\d.])(\d{14}|\d{12}|\d{8}|\d{6})(?![\d.])/
const STANDALONE_ZONE = /(?:^|\s)([+-]\d{2}(?::?\d{2})?|z|utc|gmt|[a-z]{3,4})\s*$/i
const ISO8601 = /^\s*(-?\d+)-(\d\d)-(\d\d)(?:T(\d\d):(\d\d):(\d\d)(\.\d+)?)?(Z|[+-]\d\d(?::?\d\d)?)?\s*$/i

/** Blanks the matched part so later forms do not read it again (Ruby's `subs`). */
function blank(s: string, m: RegExpExecArray): string {
  return s.slice(0, m.index) + ' '.repeat(m[0].length) + s.slice(m.index + m[0].length)
}

function fraction(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, '0'))
}

/** Ruby `Time.iso8601` (`xmlschema`): strict; a time without a zone is in the caller's zone. */
export function readIso8601(text: string): TimeFields | null {
  const m = ISO8601.exec(text)
  if (m === null) return null
  const f: TimeFields = { year: Number(m[1]), mon: Number(m[2]), mday: Number(m[3]) }
  if (m[4] !== undefined) {
    f.hour = Number(m[4])
    f.min = Number(m[5])
    f.sec = Number(m[6])
    f.nsec = m[7] === undefined ? 0 : fraction(m[7].slice(1))
  }
  if (m[8] !== undefined) {
    const offset = zoneOffset(m[8])
    if (offset === null) return null
    f.offset = offset
    f.zone = m[8]
  }
  return f
}

/** A subset of Ruby's `Date._parse`; null when no date or time was found. */
export function guessTime(text: string): TimeFields | null {
  let s = text
  const f: TimeFields = {}
  let found = false
  const day = DAY_NAME.exec(s)
  if (day) {
    f.wday = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].indexOf(day[1].toLowerCase())
    s = blank(s, day)
  }
  const time = TIME_OF_DAY.exec(s)
  if (time) {
    f.hour = Number(time[1])
    f.min = Number(time[2])
    if (time[3] !== undefined) f.sec = Number(time[3])
    if (time[4] !== undefined && time[4] !== '') f.nsec = fraction(time[4])
    if (time[5] !== undefined) f.hour = (f.hour % 12) + (time[5].toLowerCase() === 'p' ? 12 : 0)
    if (time[6] !== undefined) setZone(f, time[6])
    s = blank(s, time)
    found = true
  } else {
    const merid = HOUR_MERID.exec(s)
    if (merid) {
      f.hour = (Number(merid[1]) % 12) + (merid[2].toLowerCase() === 'p' ? 12 : 0)
      if (merid[3] !== undefined) setZone(f, merid[3])
      s = blank(s, merid)
      found = true
    }
  }
  let m: RegExpExecArray | null
  if ((m = EU.exec(s))) {
    f.mday = Number(m[1])
    f.mon = MONTHS.indexOf(m[2].toLowerCase()) + 1
    if (m[3] !== undefined) f.year = year(m[3])
    s = blank(s, m)
    found = true
  } else if ((m = US.exec(s))) {
    f.mon = MONTHS.indexOf(m[1].toLowerCase()) + 1
    f.mday = Number(m[2].replace("'", ''))
    if (m[3] !== undefined) f.year = year(m[3])
    s = blank(s, m)
    found = true
  } else if ((m = ISO.exec(s))) {
    f.year = year(m[1])
    f.mon = Number(m[2])
    f.mday = Number(m[3].replace("'", ''))
    s = blank(s, m)
    found = true
  } else if ((m = VMS.exec(s))) {
    f.mday = Number(m[1].replace("'", ''))
    f.mon = MONTHS.indexOf(m[2].toLowerCase()) + 1
    f.year = year(m[3])
    s = blank(s, m)
    found = true
  } else if ((m = SLA.exec(s)) || (m = DOT.exec(s))) {
    threeParts(f, m[1], m[2], m[3])
    s = blank(s, m)
    found = true
  } else if ((m = DIGITS.exec(s))) {
    const d = m[1]
    if (d.length === 6) {
      f.year = year(d.slice(0, 2))
      f.mon = Number(d.slice(2, 4))
      f.mday = Number(d.slice(4, 6))
    } else {
      f.year = Number(d.slice(0, 4))
      f.mon = Number(d.slice(4, 6))
      f.mday = Number(d.slice(6, 8))
      if (d.length >= 12 && f.hour === undefined) {
        f.hour = Number(d.slice(8, 10))
        f.min = Number(d.slice(10, 12))
        if (d.length === 14) f.sec = Number(d.slice(12, 14))
      }
    }
    s = blank(s, m)
    found = true
  }
  if (f.offset === undefined && f.zone === undefined) {
    const zone = STANDALONE_ZONE.exec(s)
    if (zone && zoneOffset(zone[1]) !== null) setZone(f, zone[1])
  }
  return found ? f : null
}

function setZone(f: TimeFields, text: string): void {
  f.zone = text.trim()
  const offset = zoneOffset(text)
  if (offset !== null) f.offset = offset
}

/** A year as Ruby completes it: `'99` and two-digit years get a century (69–99 → 19xx). */
function year(text: string): number {
  const apostrophe = text.startsWith("'")
  const digits = apostrophe ? text.slice(1) : text
  const n = Number(digits)
  if (apostrophe || (/^\d{1,2}$/.test(digits) && !/^[-+]/.test(digits))) return n + (n >= 69 ? 1900 : 2000)
  return n
}

/** Ruby's `s3e`: three numbers in year-month-day order unless one of them is clearly a year. */
function threeParts(f: TimeFields, a: string, b: string, c: string | undefined): void {
  let y: string | undefined = a
  let m: string | undefined = b
  let d: string | undefined = c
  if (y !== undefined && m !== undefined && d === undefined) {
    // "m/d": no year
    d = m
    m = y
    y = undefined
  }
  if (m !== undefined && (m.startsWith("'") || m.length > 2)) [y, m, d] = [m, d, y]
  if (d !== undefined && y !== undefined && (d.startsWith("'") || d.length > 2)) [y, d] = [d, y]
  if (y !== undefined) f.year = year(y)
  if (m !== undefined) f.mon = Number(m.replace("'", ''))
  if (d !== undefined) f.mday = Number(d.replace("'", ''))
}
