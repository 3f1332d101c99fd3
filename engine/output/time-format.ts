/**
 * @module Time for buffers and formatters: the `<buffer>` zone (zones themselves live in
 * engine/time/zone.ts, with the parsing side in engine/time/), the timekey slice of a time (`calculate_timekey`), and a small strftime (`%Y %m %d %H %M %S %L %N
 * %z %:z %y %j %s %%`; other conversions are kept as written, like Ruby's).
 */

import { LOCAL, parseZone, UTC, type Zone } from '../time/zone.ts'

export { LOCAL, parseZone, UTC, type Zone }

/** The zone of a `<buffer>`: UTC with `timekey_use_utc`, else `timekey_zone`, else local time. */
export function bufferZone(useUtc: boolean, zone: string | null): Zone {
  if (useUtc) return UTC
  if (zone === null || zone === '') return LOCAL
  const parsed = parseZone(zone)
  if (parsed === null) throw new Error(`unknown time zone ${JSON.stringify(zone)}`)
  return parsed
}

/** Start of the timekey slice holding `sec` (Fluentd's calculate_timekey, aligned in `zone`). */
export function timekeyOf(sec: number, timekey: number, zone: Zone): number {
  const local = sec + zone.offsetAt(sec)
  return sec - (((local % timekey) + timekey) % timekey)
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

function zoneText(offset: number, colon: boolean): string {
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${sign}${pad(Math.floor(abs / 3600))}${colon ? ':' : ''}${pad(Math.floor((abs % 3600) / 60))}`
}

/** Does the template contain a strftime conversion (so its text depends on the time)? */
export function hasStrftime(template: string): boolean {
  return /%[-:]?[a-zA-Z]/.test(template.replace(/%%/g, ''))
}

/**
 * Formats `sec` (+ `nsec`) in `zone`.
 *
 * @example
 * strftime('%Y-%m-%d %H:%M:%S.%N %z', 1441588984, 123456789, UTC) // '2015-09-07 01:23:04.123456789 +0000'
 */
export function strftime(template: string, sec: number, nsec: number, zone: Zone): string {
  const offset = zone.offsetAt(sec)
  const d = new Date((sec + offset) * 1000)
  let out = ''
  for (let i = 0; i < template.length; i++) {
    const c = template[i]
    if (c !== '%' || i + 1 === template.length) {
      out += c
      continue
    }
    let n = template[i + 1]
    if (n === ':' && template[i + 2] === 'z') {
      out += zoneText(offset, true)
      i += 2
      continue
    }
    i++
    switch (n) {
      case 'Y':
        out += d.getUTCFullYear()
        break
      case 'y':
        out += pad(d.getUTCFullYear() % 100)
        break
      case 'm':
        out += pad(d.getUTCMonth() + 1)
        break
      case 'd':
        out += pad(d.getUTCDate())
        break
      case 'H':
        out += pad(d.getUTCHours())
        break
      case 'M':
        out += pad(d.getUTCMinutes())
        break
      case 'S':
        out += pad(d.getUTCSeconds())
        break
      case 'L':
        out += pad(Math.floor(nsec / 1e6), 3)
        break
      case 'N':
        out += pad(nsec, 9)
        break
      case 'z':
        out += zoneText(offset, false)
        break
      case 'j':
        out += pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3)
        break
      case 's':
        out += sec
        break
      case '%':
        out += '%'
        break
      default:
        n = '%' + n
        out += n
    }
  }
  return out
}

/** ISO 8601 seconds, as Ruby's `Time#iso8601`: `2026-11-21T06:52:00+09:00`, `Z` for UTC. */
export function iso8601(sec: number, zone: Zone): string {
  const text = strftime('%Y-%m-%dT%H:%M:%S', sec, 0, zone)
  return zone === UTC ? text + 'Z' : text + zoneText(zone.offsetAt(sec), true)
}
