/**
 * @module Ruby's `Time#strftime` for the Ruby subset: conversions Y C y m B b h d e j H k I l M S
 * L N (with digits: `%3N`) p P A a u w s z (`%:z`, `%::z`) Z F T D R r c x X n t %, flags `-`
 * (no padding), `0`, `_` (spaces), `^` (upper case) and a width. Unknown conversions are kept as
 * written, like Ruby.
 */

import { localOffset, offsetText, type RTime } from './values.ts'

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/**
 * @example
 * rubyStrftime(new RTime(1441588984, 123456789, true), '%Y-%m-%dT%H:%M:%S.%3N%z') // '2015-09-07T01:23:04.123+0000'
 */
export function rubyStrftime(time: RTime, format: string): string {
  const offset = time.utc ? 0 : localOffset(time.sec)
  const d = new Date((time.sec + offset) * 1000)
  let out = ''
  for (let i = 0; i < format.length; i++) {
    const c = format[i]
    if (c !== '%') {
      out += c
      continue
    }
    const m = /^([-0_^#]*)(\d*)(:{0,2})([a-zA-Z%+])/.exec(format.slice(i + 1))
    if (!m) {
      out += c
      continue
    }
    const [all, flags, widthText, colons, conv] = m
    const width = widthText === '' ? undefined : Number(widthText)
    const num = (n: number, defWidth: number, padChar = '0') => {
      if (flags.includes('-')) return String(n)
      const w = width ?? defWidth
      const p = flags.includes('_') ? ' ' : flags.includes('0') ? '0' : padChar
      const s = String(Math.abs(n)).padStart(n < 0 ? w - 1 : w, p)
      return n < 0 ? `-${s}` : s
    }
    const text = (s: string) => {
      const cased = flags.includes('^') ? s.toUpperCase() : flags.includes('#') ? swapCase(s) : s
      return width !== undefined && !flags.includes('-') ? cased.padStart(width, flags.includes('0') ? '0' : ' ') : cased
    }
    const hour12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12
    let piece: string | undefined
    switch (conv) {
      case 'Y':
        piece = num(d.getUTCFullYear(), 1)
        break
      case 'C':
        piece = num(Math.floor(d.getUTCFullYear() / 100), 2)
        break
      case 'y':
        piece = num(d.getUTCFullYear() % 100, 2)
        break
      case 'm':
        piece = num(d.getUTCMonth() + 1, 2)
        break
      case 'B':
        piece = text(MONTHS[d.getUTCMonth()])
        break
      case 'b':
      case 'h':
        piece = text(MONTHS[d.getUTCMonth()].slice(0, 3))
        break
      case 'd':
        piece = num(d.getUTCDate(), 2)
        break
      case 'e':
        piece = num(d.getUTCDate(), 2, ' ')
        break
      case 'j':
        piece = num(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3)
        break
      case 'H':
        piece = num(d.getUTCHours(), 2)
        break
      case 'k':
        piece = num(d.getUTCHours(), 2, ' ')
        break
      case 'I':
        piece = num(hour12, 2)
        break
      case 'l':
        piece = num(hour12, 2, ' ')
        break
      case 'M':
        piece = num(d.getUTCMinutes(), 2)
        break
      case 'S':
        piece = num(d.getUTCSeconds(), 2)
        break
      case 'L':
        piece = fraction(time.nsec, width ?? 3)
        break
      case 'N':
        piece = fraction(time.nsec, width ?? 9)
        break
      case 'p':
        piece = text(d.getUTCHours() < 12 ? 'AM' : 'PM')
        break
      case 'P':
        piece = text(d.getUTCHours() < 12 ? 'am' : 'pm')
        break
      case 'A':
        piece = text(DAYS[d.getUTCDay()])
        break
      case 'a':
        piece = text(DAYS[d.getUTCDay()].slice(0, 3))
        break
      case 'u':
        piece = num(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), 1)
        break
      case 'w':
        piece = num(d.getUTCDay(), 1)
        break
      case 's':
        piece = num(time.sec, 1)
        break
      case 'z':
        piece = colons.length === 2 ? `${offsetText(offset, true)}:${pad2(Math.abs(offset) % 60)}` : offsetText(offset, colons.length === 1)
        break
      case 'Z':
        piece = text(time.utc ? 'UTC' : offset === 0 ? 'UTC' : offsetText(offset, false))
        break
      case 'F':
        piece = rubyStrftime(time, '%Y-%m-%d')
        break
      case 'T':
      case 'X':
        piece = rubyStrftime(time, '%H:%M:%S')
        break
      case 'D':
      case 'x':
        piece = rubyStrftime(time, '%m/%d/%y')
        break
      case 'R':
        piece = rubyStrftime(time, '%H:%M')
        break
      case 'r':
        piece = rubyStrftime(time, '%I:%M:%S %p')
        break
      case 'c':
        piece = rubyStrftime(time, '%a %b %e %H:%M:%S %Y')
        break
      case '+':
        piece = rubyStrftime(time, '%a %b %e %H:%M:%S %Z %Y')
        break
      case 'n':
        piece = '\n'
        break
      case 't':
        piece = '\t'
        break
      case '%':
        piece = '%'
        break
    }
    if (piece === undefined || (colons !== '' && conv !== 'z')) {
      out += c
      continue
    }
    out += piece
    i += all.length
  }
  return out
}

/** `%N` / `%L`: the first `digits` digits of the nanoseconds (more digits: zeros appended). */
function fraction(nsec: number, digits: number): string {
  const nine = String(nsec).padStart(9, '0')
  return digits <= 9 ? nine.slice(0, digits) : nine.padEnd(digits, '0')
}

const pad2 = (n: number) => String(n).padStart(2, '0')

function swapCase(s: string): string {
  return [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('')
}
