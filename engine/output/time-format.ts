/**
 * @module Time for buffers and formatters: the `<buffer>` zone (zones themselves live in
 * engine/time/zone.ts, with the parsing side in engine/time/), the timekey slice of a time
 * (`calculate_timekey`), and Ruby's strftime (every Time#strftime conversion, flags and widths;
 * unknown conversions are kept as written, like Ruby's).
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

/** Does the template contain a strftime conversion (so its text depends on the time)? */
export function hasStrftime(template: string): boolean {
  return /%[-:]?[a-zA-Z]/.test(template.replace(/%%/g, ''))
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** The broken-down time a conversion reads. */
interface Tm {
  sec: number
  nsec: number
  offset: number
  zone: Zone
  d: Date
}

type Part = string | ((tm: Tm) => string)

/** Pads `text` to `width` with `pad` on the left (a `-` sign stays in front for zero padding). */
function padTo(text: string, width: number, pad: string): string {
  if (text.length >= width) return text
  if (pad === '0' && text[0] === '-') return `-${text.slice(1).padStart(width - 1, '0')}`
  return text.padStart(width, pad)
}

function isoWeek(d: Date): { year: number; week: number } {
  const day = (d.getUTCDay() + 6) % 7 // Monday 0
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3))
  const year = thursday.getUTCFullYear()
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7)
  return { year, week }
}

function yday(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1
}

function zoneAbbreviation(tm: Tm): string {
  if (tm.zone === UTC) return 'UTC'
  if (tm.zone !== LOCAL) return '' // Ruby: a Time at a fixed offset has no zone name
  const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(new Date(tm.sec * 1000))
    .find((p) => p.type === 'timeZoneName')?.value
  return name ?? ''
}

/** A numeric conversion: its value, default padding and width. */
function numeric(value: (tm: Tm) => number | string, width: number, pad: '0' | ' '): [(tm: Tm) => string, number, string] {
  return [(tm) => String(value(tm)), width, pad]
}

/** Conversions of Ruby's Time#strftime: [text, default width, default pad]. */
const CONVERSIONS: Record<string, [(tm: Tm) => string, number, string]> = {
  Y: numeric((tm) => tm.d.getUTCFullYear(), 4, '0'),
  C: numeric((tm) => Math.floor(tm.d.getUTCFullYear() / 100), 2, '0'),
  y: numeric((tm) => ((tm.d.getUTCFullYear() % 100) + 100) % 100, 2, '0'),
  m: numeric((tm) => tm.d.getUTCMonth() + 1, 2, '0'),
  d: numeric((tm) => tm.d.getUTCDate(), 2, '0'),
  e: numeric((tm) => tm.d.getUTCDate(), 2, ' '),
  j: numeric((tm) => yday(tm.d), 3, '0'),
  H: numeric((tm) => tm.d.getUTCHours(), 2, '0'),
  k: numeric((tm) => tm.d.getUTCHours(), 2, ' '),
  I: numeric((tm) => tm.d.getUTCHours() % 12 || 12, 2, '0'),
  l: numeric((tm) => tm.d.getUTCHours() % 12 || 12, 2, ' '),
  M: numeric((tm) => tm.d.getUTCMinutes(), 2, '0'),
  S: numeric((tm) => tm.d.getUTCSeconds(), 2, '0'),
  s: numeric((tm) => tm.sec, 1, '0'),
  u: numeric((tm) => tm.d.getUTCDay() || 7, 1, '0'),
  w: numeric((tm) => tm.d.getUTCDay(), 1, '0'),
  U: numeric((tm) => Math.floor((yday(tm.d) - 1 - tm.d.getUTCDay() + 7) / 7), 2, '0'),
  W: numeric((tm) => Math.floor((yday(tm.d) - 1 - ((tm.d.getUTCDay() + 6) % 7) + 7) / 7), 2, '0'),
  V: numeric((tm) => isoWeek(tm.d).week, 2, '0'),
  G: numeric((tm) => isoWeek(tm.d).year, 4, '0'),
  g: numeric((tm) => isoWeek(tm.d).year % 100, 2, '0'),
  A: [(tm) => DAYS[tm.d.getUTCDay()], 0, ' '],
  a: [(tm) => DAYS[tm.d.getUTCDay()].slice(0, 3), 0, ' '],
  B: [(tm) => MONTHS[tm.d.getUTCMonth()], 0, ' '],
  b: [(tm) => MONTHS[tm.d.getUTCMonth()].slice(0, 3), 0, ' '],
  h: [(tm) => MONTHS[tm.d.getUTCMonth()].slice(0, 3), 0, ' '],
  p: [(tm) => (tm.d.getUTCHours() < 12 ? 'AM' : 'PM'), 0, ' '],
  P: [(tm) => (tm.d.getUTCHours() < 12 ? 'am' : 'pm'), 0, ' '],
  Z: [zoneAbbreviation, 0, ' '],
  n: [() => '\n', 0, ' '],
  t: [() => '\t', 0, ' '],
  '%': [() => '%', 0, ' '],
}

/** Composite conversions, as Ruby expands them. */
const COMPOSITES: Record<string, string> = {
  c: '%a %b %e %H:%M:%S %Y',
  D: '%m/%d/%y',
  x: '%m/%d/%y',
  F: '%Y-%m-%d',
  T: '%H:%M:%S',
  X: '%H:%M:%S',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  v: '%e-%^b-%4Y',
}

function zoneText(offset: number, colons: number, width: number, pad: string): string {
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  const h = Math.floor(abs / 3600)
  const m = Math.floor((abs % 3600) / 60)
  const sec = abs % 60
  const digits = colons === 0 ? `${pad2(h)}${pad2(m)}` : colons === 1 ? `${pad2(h)}:${pad2(m)}` : `${pad2(h)}:${pad2(m)}:${pad2(sec)}`
  if (pad === ' ') {
    const trimmed = digits.replace(/^0/, '')
    return padTo(sign + trimmed, Math.max(width, trimmed.length + 1), ' ')
  }
  return sign + padTo(digits, width - 1, '0')
}

const pad2 = (n: number) => String(n).padStart(2, '0')

function compile(template: string): Part[] {
  const parts: Part[] = []
  let literal = ''
  for (let i = 0; i < template.length; i++) {
    const c = template[i]
    if (c !== '%') {
      literal += c
      continue
    }
    // %[flags][width][colons]conversion
    let j = i + 1
    let flags = ''
    while (j < template.length && '-_0^#'.includes(template[j])) flags += template[j++]
    let widthText = ''
    while (j < template.length && template[j] >= '0' && template[j] <= '9') widthText += template[j++]
    let colons = 0
    while (j < template.length && template[j] === ':') {
      colons++
      j++
    }
    const conv = template[j]
    if (conv === undefined || (colons > 0 && conv !== 'z')) {
      literal += template.slice(i, j + 1)
      i = j
      continue
    }
    const width = widthText === '' ? -1 : Number(widthText)
    const part = conversion(conv, flags, width, colons)
    if (part === null) {
      literal += template.slice(i, j + 1)
    } else {
      if (literal !== '') parts.push(literal)
      literal = ''
      parts.push(part)
    }
    i = j
  }
  if (literal !== '') parts.push(literal)
  return parts
}

function conversion(conv: string, flags: string, width: number, colons: number): Part | null {
  const upcase = flags.includes('^')
  const swapcase = flags.includes('#')
  const padFlag = flags.includes('-') ? '' : flags.includes('_') ? ' ' : flags.includes('0') ? '0' : null
  if (conv === 'N' || conv === 'L') {
    // Fractional seconds: `width` digits (default 9 for %N, 3 for %L), truncated, zeros added on the right.
    const digits = width > 0 ? width : conv === 'N' ? 9 : 3
    return (tm) => {
      const text = String(tm.nsec).padStart(9, '0')
      return digits <= 9 ? text.slice(0, digits) : text.padEnd(digits, '0')
    }
  }
  if (conv === 'z') {
    const pad = padFlag ?? '0'
    const minWidth = colons === 0 ? 5 : colons === 1 ? 6 : 9
    return (tm) => zoneText(tm.offset, colons, Math.max(width, minWidth), pad === '' ? '0' : pad)
  }
  const composite = COMPOSITES[conv]
  if (composite !== undefined) {
    const inner = compile(composite)
    return (tm) => {
      let text = render(inner, tm)
      if (upcase) text = text.toUpperCase()
      return width > 0 ? padTo(text, width, padFlag === '0' ? '0' : ' ') : text
    }
  }
  const spec = CONVERSIONS[conv]
  if (spec === undefined) return null
  const [value, defaultWidth, defaultPad] = spec
  const pad = padFlag ?? defaultPad
  const w = width >= 0 ? width : defaultWidth
  return (tm) => {
    let text = value(tm)
    if (upcase) text = text.toUpperCase()
    else if (swapcase) text = /[a-z]/.test(text) ? text.toUpperCase() : text.toLowerCase()
    return pad === '' ? text : padTo(text, w, pad)
  }
}

function render(parts: readonly Part[], tm: Tm): string {
  let out = ''
  for (const p of parts) out += typeof p === 'string' ? p : p(tm)
  return out
}

const compiled = new Map<string, Part[]>()

/**
 * Formats `sec` (+ `nsec`) in `zone` as Ruby's Time#strftime does: every conversion of Ruby's
 * (`%Y %C %y %m %B %b %h %d %e %j %H %k %I %l %P %p %M %S %L %N %z %:z %::z %Z %A %a %u %w %U %W
 * %G %g %V %s %n %t %% %c %D %x %F %T %X %R %r %v`), flags `- _ 0 ^ #`, widths (`%3N`, `%10Y`).
 * Unknown conversions are kept as written (`%Q`, `%+`). `%Z` is `UTC`, the host's short zone name
 * for local time, and empty for a fixed offset (as Ruby).
 *
 * @example
 * strftime('%Y-%m-%d %H:%M:%S.%N %z', 1441588984, 123456789, UTC) // '2015-09-07 01:23:04.123456789 +0000'
 */
export function strftime(template: string, sec: number, nsec: number, zone: Zone): string {
  let parts = compiled.get(template)
  if (parts === undefined) {
    parts = compile(template)
    if (compiled.size > 256) compiled.clear()
    compiled.set(template, parts)
  }
  const offset = zone.offsetAt(sec)
  return render(parts, { sec, nsec, offset, zone, d: new Date((sec + offset) * 1000) })
}

/** ISO 8601 seconds, as Ruby's `Time#iso8601`: `2026-11-21T06:52:00+09:00`, `Z` for UTC. */
export function iso8601(sec: number, zone: Zone): string {
  const offset = zone.offsetAt(sec)
  const d = new Date((sec + offset) * 1000)
  const year = d.getUTCFullYear()
  const text = `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  return zone === UTC ? `${text}Z` : text + zoneText(offset, 1, 6, '0')
}
