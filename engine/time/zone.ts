/**
 * @module Time zones: Fluentd's `timezone` / `timekey_zone` forms (`+0900`, `-07:00`, `+09`, `UTC`,
 * IANA names such as `Asia/Tokyo` through Intl — available in Node, workerd and browsers — or the
 * host's local time), the offsets written inside time strings (`Z`, `+09:00`, `EST`, `GMT+9`, as
 * Ruby's `Date._parse`/`_strptime` read them), and the conversion of a wall-clock time in a zone
 * to seconds since the epoch.
 */

/** A zone: its offset east of UTC, in seconds, at an instant (seconds since the epoch). */
export interface Zone {
  readonly name: string
  offsetAt(sec: number): number
}

export const UTC: Zone = { name: 'UTC', offsetAt: () => 0 }

/** The host's local time (offset at each instant: follows daylight saving time). */
export const LOCAL: Zone = { name: 'localtime', offsetAt: (sec) => -new Date(sec * 1000).getTimezoneOffset() * 60 }

const FIXED = /^([+-])(\d{2})(?::?(\d{2}))?$/

/** A zone with one offset at every instant. */
export function fixedZone(offset: number, name = offsetName(offset)): Zone {
  return { name, offsetAt: () => offset }
}

/**
 * Parses a zone as Fluentd's `timekey_zone` / `timezone` accept it (`[+-]HH:MM`, `[+-]HHMM`,
 * `[+-]HH`, an IANA name; also `UTC`, `GMT`, `Z`); returns null when unknown.
 *
 * @example
 * parseZone('+0900')!.offsetAt(0) // 32400
 */
export function parseZone(text: string): Zone | null {
  const s = text.trim()
  if (s === 'UTC' || s === 'Z' || s === 'GMT') return UTC
  const m = FIXED.exec(s)
  if (m) {
    const hours = Number(m[2])
    const minutes = m[3] === undefined ? 0 : Number(m[3])
    if (hours > 23 || minutes > 59) return null
    return fixedZone((m[1] === '-' ? -1 : 1) * (hours * 3600 + minutes * 60), s)
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(s)) return null
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: s,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    return null
  }
  const cache = new Map<number, number>()
  return {
    name: s,
    offsetAt(sec: number): number {
      const hour = Math.floor(sec / 3600)
      let offset = cache.get(hour)
      if (offset === undefined) {
        const parts: Record<string, number> = {}
        for (const p of format.formatToParts(new Date(hour * 3600_000))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
        const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)
        offset = Math.round((asUtc - hour * 3600_000) / 1000)
        if (cache.size > 1024) cache.clear()
        cache.set(hour, offset)
      }
      return offset
    },
  }
}

/** `+09:00` style name of an offset. */
export function offsetName(offset: number): string {
  const abs = Math.abs(offset)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`
}

/**
 * Seconds since the epoch of a wall-clock time in `zone`, given as the seconds it would be in UTC
 * (`civilToDays(y, m, d) * 86400 + h * 3600 + …`). In a gap (clocks moved forward) the earlier
 * offset applies; in an overlap (clocks moved back) the first of the two instants is chosen.
 */
export function wallToEpoch(wall: number, zone: Zone): number {
  if (zone === UTC) return wall
  const before = zone.offsetAt(wall - 86400)
  const after = zone.offsetAt(wall + 86400)
  const early = wall - Math.max(before, after)
  const late = wall - Math.min(before, after)
  if (early + zone.offsetAt(early) === wall) return early
  if (late + zone.offsetAt(late) === wall) return late
  return wall - before
}

/** Offsets of the zone names Ruby's `Date._parse` / `_strptime` know (a subset: the common ones). */
const ZONE_ABBREVIATIONS: Record<string, number> = {
  ut: 0,
  gmt: 0,
  utc: 0,
  z: 0,
  wet: 0,
  est: -5,
  edt: -4,
  cst: -6,
  cdt: -5,
  mst: -7,
  mdt: -6,
  pst: -8,
  pdt: -7,
  akst: -9,
  akdt: -8,
  hst: -10,
  a: 1,
  b: 2,
  c: 3,
  d: 4,
  e: 5,
  f: 6,
  g: 7,
  h: 8,
  i: 9,
  k: 10,
  l: 11,
  m: 12,
  n: -1,
  o: -2,
  p: -3,
  q: -4,
  r: -5,
  s: -6,
  t: -7,
  u: -8,
  v: -9,
  w: -10,
  x: -11,
  y: -12,
  bst: 1,
  cet: 1,
  cest: 2,
  mez: 1,
  mesz: 2,
  eet: 2,
  eest: 3,
  msk: 3,
  ist: 5.5,
  jst: 9,
  kst: 9,
  hkt: 8,
  sgt: 8,
  awst: 8,
  acst: 9.5,
  aest: 10,
  aedt: 11,
  nzst: 12,
  nzdt: 13,
}

/**
 * The offset (seconds east of UTC) of a zone written inside a time string, as Ruby's
 * `Date._parse`/`_strptime` read it: `Z`, `UTC`, `GMT`, known abbreviations (`EST`, `JST` …),
 * `+09`, `+0900`, `+09:00`, `+09:00:30`, `-7`, `GMT+9`, `UTC-03:30`, `+9.5`. Returns null when the
 * text is not a zone.
 */
export function zoneOffset(text: string): number | null {
  let s = text.trim().toLowerCase()
  if (s === '') return null
  const named = ZONE_ABBREVIATIONS[s]
  if (named !== undefined) return named * 3600
  if (s.endsWith(' dst')) {
    const base = ZONE_ABBREVIATIONS[s.slice(0, -4)]
    return base === undefined ? null : (base + 1) * 3600
  }
  s = s.replace(/^(?:gmt|utc?)(?=[+-])/, '')
  const m = /^([+-])(\d+)(?:([.,:])(\d+)(?::(\d+))?)?$/.exec(s)
  if (m === null) return null
  const sign = m[1] === '-' ? -1 : 1
  let seconds: number
  if (m[3] === ':') {
    seconds = Number(m[2]) * 3600 + Number(m[4]) * 60 + (m[5] === undefined ? 0 : Number(m[5]))
  } else if (m[3] !== undefined) {
    seconds = Math.round(Number(`${m[2]}.${m[4]}`) * 3600)
  } else {
    const digits = m[2]
    if (digits.length <= 2) seconds = Number(digits) * 3600
    else if (digits.length <= 4) seconds = Number(digits.slice(0, -2)) * 3600 + Number(digits.slice(-2)) * 60
    else seconds = Number(digits.slice(0, -4)) * 3600 + Number(digits.slice(-4, -2)) * 60 + Number(digits.slice(-2))
  }
  return sign * seconds
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year; `month` 1–12, `day` may overflow). */
export function civilToDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/** The civil date of a day number (inverse of `civilToDays`). */
export function daysToCivil(days: number): { year: number; month: number; day: number } {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day }
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}
