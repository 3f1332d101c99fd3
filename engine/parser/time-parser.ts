/**
 * @module Fluentd's time parsers (lib/fluent/time.rb): `time_type string` (strptime with
 * `time_format`, `%iso8601`, or Ruby's `Time.parse` guess without a format), `unixtime`
 * (`to_i`), `float` (seconds and up to 9 fraction digits from the text, never through a double),
 * and `mixed` (`time_format`, then `time_format_fallbacks`; numeric ones only for values `Float()`
 * accepts). Each keeps Fluentd's two-entry cache of the last values, and its error messages.
 */

import { EventTime } from '../event-time.ts'
import { fieldsToInstant, type TimeFields } from '../time/fields.ts'
import { guessTime, readIso8601 } from '../time/guess.ts'
import { compileStrptime, StrptimeFormatError } from '../time/strptime.ts'
import { LOCAL, type Zone } from '../time/zone.ts'
import { rubyClassName, rubyFloatAccepts, stringToI, valueToI, valueToS } from './ruby.ts'
import { FloatValue } from './values.ts'

export type TimeType = 'string' | 'unixtime' | 'float' | 'mixed'
export const TIME_TYPES: readonly TimeType[] = ['string', 'unixtime', 'float', 'mixed']

/** Fluentd's TimeParser::TimeParseError (a bad value; the record is not emitted). */
export class TimeParseError extends Error {
  override name = 'Fluent::TimeParser::TimeParseError'
}

/** A configuration Fluentd refuses (ConfigError). */
export class TimeConfigError extends Error {}

export interface TimeParser {
  /** The event time of `value`; `nowSec` completes times that lack a date. Throws TimeParseError. */
  parse(value: unknown, nowSec: number): EventTime
}

export interface TimeParserOptions {
  type: TimeType
  /** strptime format, `%iso8601`, or null (guess, as Ruby's `Time.parse`). */
  format: string | null
  /** `time_format_fallbacks` (mixed): formats, `unixtime` or `float`. */
  fallbacks?: readonly string[]
  /**
   * The zone of times written without an offset: `timezone`, else UTC with `utc true` /
   * `localtime false`, else local time; null when none was configured explicitly (local time).
   */
  zone: Zone | null
}

/**
 * Builds the parser Fluentd's `time_parser_create` would. Throws TimeConfigError for what Fluentd
 * refuses at configure time (a zone without a format, an unknown conversion).
 */
export function createTimeParser(options: TimeParserOptions): TimeParser {
  if (options.type === 'mixed') return mixedParser(options)
  if (options.type === 'unixtime') return cached(unixtime)
  if (options.type === 'float') return cached(floatTime)
  return stringParser(options.format, options.zone)
}

function stringParser(format: string | null, zone: Zone | null): TimeParser {
  if (format === null) {
    if (zone !== null) throw new TimeConfigError('specifying timezone requires time format')
    return cachedString((text, now) => {
      const fields = guessTime(text)
      if (fields === null) throw new Error(`no time information in ${JSON.stringify(text)}`)
      return instant(fields, now, LOCAL)
    })
  }
  const local = zone ?? LOCAL
  if (format === '%iso8601') {
    return cachedString((text, now) => {
      const fields = readIso8601(text)
      if (fields === null) throw new Error(`invalid xmlschema format: ${JSON.stringify(text)}`)
      return instant(fields, now, local)
    })
  }
  let matcher: (text: string) => TimeFields | null
  try {
    matcher = compileStrptime(format)
  } catch (error) {
    if (error instanceof StrptimeFormatError) throw new TimeConfigError(error.message)
    throw error
  }
  return cachedString((text, now) => {
    const fields = matcher(text)
    if (fields === null) throw new Error("string doesn't match")
    return instant(fields, now, local)
  })
}

function instant(fields: TimeFields, now: number, zone: Zone): EventTime {
  const { sec, nsec } = fieldsToInstant(fields, now, zone)
  return new EventTime(sec, nsec)
}

/** A string parser with Fluentd's message for a non-string value and for a failure, and its cache. */
function cachedString(parse: (text: string, now: number) => EventTime): TimeParser {
  let key1: string | null = null
  let time1: EventTime | null = null
  let key2: string | null = null
  let time2: EventTime | null = null
  return {
    parse(value, now) {
      if (typeof value !== 'string') throw new TimeParseError(`value must be string: ${valueToS(value)}`)
      if (value === key1) return time1!
      if (value === key2) return time2!
      let time: EventTime
      try {
        time = parse(value, now)
      } catch (error) {
        const name = error instanceof Error && error.name !== 'Error' ? error.name : 'ArgumentError'
        throw new TimeParseError(
          `invalid time format: value = ${value}, error_class = ${name}, error = ${error instanceof Error ? error.message : String(error)}`,
        )
      }
      key1 = key2
      time1 = time2
      key2 = value
      time2 = time
      return time
    },
  }
}

function numericCheck(value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || value instanceof FloatValue) return
  throw new TimeParseError(`value must be a string or a number: ${valueToS(value)}(${rubyClassName(value)})`)
}

function cached(parse: (value: unknown) => EventTime): TimeParser {
  let key1: unknown
  let time1: EventTime | null = null
  let key2: unknown
  let time2: EventTime | null = null
  return {
    parse(value) {
      numericCheck(value)
      if (time1 !== null && value === key1) return time1
      if (time2 !== null && value === key2) return time2
      const time = parse(value)
      key1 = key2
      time1 = time2
      key2 = value
      time2 = time
      return time
    },
  }
}

/** `time_type unixtime`: Ruby's `to_i` of the value. */
function unixtime(value: unknown): EventTime {
  return new EventTime(Number(valueToI(value)))
}

/**
 * `time_type float`: the text of the value split at its dots; seconds from the first part, up to
 * 9 fraction digits from the second (Fluentd takes 10 and can exceed a second; sluice takes 9).
 */
function floatTime(value: unknown): EventTime {
  const parts = valueToS(value).split('.', 3)
  const sec = stringToI(parts[0])
  const frac = parts[1] === undefined ? '0' : parts[1].slice(0, 9)
  return new EventTime(sec, stringToI(frac.length < 9 ? frac + '0'.repeat(9 - frac.length) : frac))
}

function mixedParser(options: TimeParserOptions): TimeParser {
  const formats = [options.format, ...(options.fallbacks ?? [])].filter((f): f is string => f !== null)
  if (formats.length === 0) throw new TimeConfigError('time_type is :mixed but time_format and time_format_fallbacks is empty.')
  const parsers = formats.map((format) => ({
    numeric: format === 'unixtime' || format === 'float',
    parser: format === 'unixtime' ? cached(unixtime) : format === 'float' ? cached(floatTime) : stringParser(format, options.zone),
  }))
  const classes = parsers.map((p) => (p.numeric ? 'Fluent::NumericTimeParser' : 'Fluent::TimeParser')).join(',')
  return {
    parse(value, now) {
      for (const { numeric, parser } of parsers) {
        if (numeric && !rubyFloatAccepts(value)) continue
        try {
          return parser.parse(value, now)
        } catch {
          // try the next one
        }
      }
      throw new TimeParseError(`invalid time format: value = ${valueToS(value)}, even though fallbacks: ${classes}`)
    },
  }
}

/**
 * parser_json's time when neither `time_type` nor `time_format` is written. Fluentd reads it as
 * `float`: numbers and numeric strings are read exactly so here too. A date string such as
 * `"2020-04-25T17:47:34.356937755Z"` would give 2020 seconds in Fluentd (1970-01-01T00:33:40Z,
 * fluentd#2971); sluice reads it as a date (Ruby's `Time.parse`, nanoseconds kept) and calls
 * `noticed(value, true)`. Text that is not a date either keeps Fluentd's float reading
 * (`noticed(value, false)`).
 */
export function jsonDefaultTimeParser(noticed: (value: string, readAsDate: boolean) => void): TimeParser {
  const float = cached(floatTime)
  const guess = stringParser(null, null)
  return {
    parse(value, now) {
      if (typeof value !== 'string' || rubyFloatAccepts(value)) return float.parse(value, now)
      try {
        const time = guess.parse(value, now)
        noticed(value, true)
        return time
      } catch {
        noticed(value, false)
        return float.parse(value, now)
      }
    },
  }
}
