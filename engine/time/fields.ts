/**
 * @module The parts of a time read from text (by strptime, ISO 8601 or the `Time.parse` guesser)
 * and their completion into an instant, as Ruby's `Time.strptime` / `Time.parse` complete them
 * (`Time.make_time`): the leading parts that are missing are taken from "now" in the zone, the
 * trailing ones default to their minimum; an offset written in the text wins over the zone.
 * Nanoseconds stay exact (integers, never a float of seconds).
 */

import { civilToDays, daysToCivil, wallToEpoch, type Zone } from './zone.ts'

export interface TimeFields {
  year?: number
  /** 1–12 */
  mon?: number
  /** 1–31 */
  mday?: number
  /** 1–366 (`%j`) */
  yday?: number
  hour?: number
  min?: number
  sec?: number
  /** Fraction of a second in nanoseconds (digits beyond the ninth are dropped). */
  nsec?: number
  /** `%p`: 0 for AM, 12 for PM. */
  merid?: number
  /** `%C` */
  century?: number
  /** Seconds since the epoch (`%s`, `%Q` / 1000). */
  seconds?: number
  /** Extra nanoseconds of `%Q` (its milliseconds). */
  secondsNsec?: number
  /** Offset east of UTC in seconds, when the text names a zone Ruby knows. */
  offset?: number
  /** A zone written in the text, known or not. */
  zone?: string
  /** 0 = Sunday (`%w`, `%a`) */
  wday?: number
  /** 1 = Monday … 7 = Sunday (`%u`) */
  cwday?: number
  /** ISO week (`%V`) and its year (`%G`, `%g`) */
  cweek?: number
  cwyear?: number
  /** `%U` (weeks starting Sunday) and `%W` (weeks starting Monday) */
  wnum0?: number
  wnum1?: number
}

/** An instant: seconds since the epoch and nanoseconds. */
export interface Instant {
  sec: number
  nsec: number
}

export class TimeFieldsError extends Error {
  override name = 'ArgumentError'
}

/**
 * Completes `f` into an instant. `now` (seconds since the epoch) fills the leading parts that are
 * missing; `zone` is used when the text named no zone. Throws TimeFieldsError ("argument out of
 * range", "no time information") as Ruby's Time does.
 */
export function fieldsToInstant(f: TimeFields, now: number, zone: Zone): Instant {
  if (f.seconds !== undefined) {
    const nsec = (f.secondsNsec ?? 0) + (f.nsec ?? 0)
    return { sec: f.seconds + Math.floor(nsec / 1e9), nsec: nsec % 1e9 }
  }
  let year = f.year
  if (year !== undefined && f.century !== undefined) year = f.century * 100 + (year % 100)
  else if (year === undefined && f.century !== undefined) year = f.century * 100
  let { mon, mday, hour } = f
  let { min, sec } = f
  let nsec = f.nsec
  const noInformation =
    year === undefined &&
    f.yday === undefined &&
    mon === undefined &&
    mday === undefined &&
    hour === undefined &&
    min === undefined &&
    sec === undefined &&
    nsec === undefined &&
    f.cweek === undefined &&
    f.wnum0 === undefined &&
    f.wnum1 === undefined
  if (noInformation) throw new TimeFieldsError('no time information')
  if (hour !== undefined && f.merid !== undefined) {
    if (hour < 1 || hour > 12) throw new TimeFieldsError('argument out of range')
    hour = (hour % 12) + f.merid
  }
  // Week-based dates: the day is computed from the week, as Date.strptime does.
  if (mon === undefined && mday === undefined && f.yday === undefined) {
    const weekDay = weekBasedDay(f, year, now, zone)
    if (weekDay !== null) {
      const civil = daysToCivil(weekDay)
      year = civil.year
      mon = civil.month
      mday = civil.day
    }
  }
  // Ruby: take the leading parts that are missing from now, until the first part that was given.
  if (year === undefined) {
    const local = f.offset === undefined ? zone.offsetAt(now) : f.offset
    const nowWall = now + local
    const nowDays = Math.floor(nowWall / 86400)
    const nowCivil = daysToCivil(nowDays)
    const secOfDay = nowWall - nowDays * 86400
    year = nowCivil.year
    if (mon === undefined && f.yday === undefined) {
      mon = nowCivil.month
      if (mday === undefined) {
        mday = nowCivil.day
        if (hour === undefined) {
          hour = Math.floor(secOfDay / 3600)
          if (min === undefined) {
            min = Math.floor((secOfDay % 3600) / 60)
            if (sec === undefined) sec = secOfDay % 60
          }
        }
      }
    }
  }
  let days: number
  if (f.yday !== undefined && (mon === undefined || mday === undefined)) {
    if (f.yday < 1 || f.yday > 366) throw new TimeFieldsError(`yday ${f.yday} out of range`)
    days = civilToDays(year, 1, 1) + f.yday - 1
  } else {
    mon ??= 1
    mday ??= 1
    if (mon < 1 || mon > 12 || mday < 1 || mday > 31) throw new TimeFieldsError('argument out of range')
    days = civilToDays(year, mon, mday) // days past the month's end roll over, as Ruby's Time does
  }
  hour ??= 0
  min ??= 0
  sec ??= 0
  nsec ??= 0
  if (hour > 24 || min > 59 || sec > 60 || (hour === 24 && (min > 0 || sec > 0))) throw new TimeFieldsError('argument out of range')
  const wall = days * 86400 + hour * 3600 + min * 60 + sec
  const epoch = f.offset !== undefined ? wall - f.offset : wallToEpoch(wall, zone)
  return { sec: epoch, nsec }
}

/** The day (days since the epoch) a week-based date names, or null when none was given. */
function weekBasedDay(f: TimeFields, year: number | undefined, now: number, zone: Zone): number | null {
  if (f.cweek !== undefined) {
    const isoYear = f.cwyear ?? year ?? daysToCivil(Math.floor((now + zone.offsetAt(now)) / 86400)).year
    const jan4 = civilToDays(isoYear, 1, 4)
    const jan4Weekday = (((jan4 + 3) % 7) + 7) % 7 // 0 = Monday
    const week1Monday = jan4 - jan4Weekday
    const weekday = f.cwday ?? (f.wday !== undefined ? ((f.wday + 6) % 7) + 1 : 1)
    return week1Monday + (f.cweek - 1) * 7 + (weekday - 1)
  }
  if (f.wnum0 === undefined && f.wnum1 === undefined) return null
  const y = year ?? daysToCivil(Math.floor((now + zone.offsetAt(now)) / 86400)).year
  const jan1 = civilToDays(y, 1, 1)
  const jan1Wday = (((jan1 + 4) % 7) + 7) % 7 // 0 = Sunday
  const wday = f.wday ?? (f.cwday !== undefined ? f.cwday % 7 : undefined)
  if (f.wnum0 !== undefined) {
    const firstSunday = jan1 + ((7 - jan1Wday) % 7)
    return firstSunday + (f.wnum0 - 1) * 7 + (wday ?? 0)
  }
  const firstMonday = jan1 + ((8 - jan1Wday) % 7)
  return firstMonday + (f.wnum1! - 1) * 7 + (((wday ?? 1) + 6) % 7)
}
