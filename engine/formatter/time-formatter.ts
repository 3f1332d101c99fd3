/**
 * @module Fluentd's time formatting for formatters and `<inject>` (TimeMixin::Formatter,
 * Fluent::TimeFormatter, NumericTimeFormatter): `time_type` string / unixtime / float, `time_format`
 * (strftime; nil = ISO 8601), and the zone rules — `timezone` wins (never written `Z`), else
 * `localtime true` (the default) is the host's zone (`+09:00`, `+00:00` on a UTC host), else UTC
 * (`Z`); `utc true` means `localtime false`, and setting both so they contradict is an error.
 *
 * Fluentd's `time_type float` loses digits: it writes `sec.000` for 123456 ns (the nanoseconds'
 * own digits are replaced by the zero padding, time.rb NumericTimeFormatter#format_float). sluice
 * writes `sec.000123456`: the same width, the right value.
 */

import type { ConfigElement } from '../config/model.ts'
import { iso8601, LOCAL, parseZone, strftime, UTC, type Zone } from '../output/time-format.ts'

export interface TimeConfig {
  time_type: string
  time_format: string | null
  localtime: boolean
  utc: boolean
  timezone: string | null
}

/** Formats an event time (seconds + nanoseconds). */
export type TimeFormatter = (sec: number, nsec: number) => string

/**
 * The zone of a time config, as Fluentd settles it. `element` (the section as written) tells a
 * written `localtime`/`utc` from a default one; without it only the values are used.
 */
export function timeZoneOf(c: TimeConfig, element?: ConfigElement): Zone {
  const wroteLocal = element !== undefined && element.params.localtime !== undefined
  const wroteUtc = element !== undefined && element.params.utc !== undefined
  if (wroteLocal && wroteUtc && c.localtime === c.utc) {
    throw new Error('both of utc and localtime are specified, use only one of them')
  }
  const localtime = wroteLocal ? c.localtime : wroteUtc ? !c.utc : c.localtime && !c.utc
  if (c.timezone !== null) {
    // Fluentd accepts [+-]HH, [+-]HHMM, [+-]HH:MM and Region/Zone names (not UTC, not JST).
    const zone = /^[+-]\d\d(:?\d\d)?$/.test(c.timezone) || /^[^/]+\/[^/]+(\/[^/]+)?$/.test(c.timezone) ? parseZone(c.timezone) : null
    if (zone === null) throw new Error(`Unsupported timezone '${c.timezone}'`)
    // A zone given by name or offset prints its offset, even +00:00 (Ruby's Time#localtime(offset)).
    return { name: zone.name, offsetAt: zone.offsetAt }
  }
  return localtime ? LOCAL : UTC
}

/** Fluentd's float time, with all nine digits of the nanoseconds (see the module note). */
export function floatTimeText(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`
}

/**
 * A time formatter for a formatter's config (`time_type` string / unixtime / float). Repeated
 * times are served from a one-entry cache (the second, or the second and nanoseconds when the
 * format shows fractions), as Fluentd's TimeFormatter does.
 *
 * @example
 * createTimeFormatter({ time_type: 'string', time_format: null, localtime: false, utc: true, timezone: null })(0, 0) // '1970-01-01T00:00:00Z'
 */
export function createTimeFormatter(c: TimeConfig, element?: ConfigElement): TimeFormatter {
  if (c.time_type === 'unixtime') return (sec) => String(sec)
  if (c.time_type === 'float') return floatTimeText
  return stringTimeFormatter(c.time_format, timeZoneOf(c, element))
}

/** Fluent::TimeFormatter: `format` (strftime) or ISO 8601 in `zone`, cached per second. */
export function stringTimeFormatter(format: string | null, zone: Zone): TimeFormatter {
  let lastSec = Number.NaN
  let lastNsec = -1
  let lastText = ''
  if (format === null) {
    return (sec) => (sec === lastSec ? lastText : (lastText = iso8601((lastSec = sec), zone)))
  }
  if (/(^|[^%])(%%)*%(L|\d*N)/.test(format)) {
    return (sec, nsec) => {
      if (sec === lastSec && nsec === lastNsec) return lastText
      lastSec = sec
      lastNsec = nsec
      return (lastText = strftime(format, sec, nsec, zone))
    }
  }
  return (sec) => (sec === lastSec ? lastText : (lastText = strftime(format, (lastSec = sec), 0, zone)))
}
