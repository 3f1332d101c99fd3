/**
 * @module strptime, ISO 8601 and the Time.parse guesser, against cases derived from Fluentd's
 * test_time_parser.rb, test_parser.rb and the parser tests (formats and values as Fluentd's tests
 * write them; expected instants computed independently with Date.UTC).
 */

import { describe, expect, it } from 'vitest'
import { fieldsToInstant, type Instant } from './fields.ts'
import { guessTime, readIso8601 } from './guess.ts'
import { compileStrptime, StrptimeFormatError } from './strptime.ts'
import { civilToDays, daysToCivil, fixedZone, parseZone, UTC, wallToEpoch, zoneOffset, type Zone } from './zone.ts'

const NOW = Date.UTC(2016, 9, 21, 4, 22, 1) / 1000 // 2016-10-21 04:22:01 UTC
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000

function strptime(format: string, text: string, zone: Zone = UTC, now = NOW): Instant | null {
  const f = compileStrptime(format)(text)
  return f === null ? null : fieldsToInstant(f, now, zone)
}

describe('civil days', () => {
  it('round-trips dates over leap years and far years', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [1900, 3, 1],
      [2400, 12, 31],
      [1, 1, 1],
    ]) {
      const days = civilToDays(y, m, d)
      expect(daysToCivil(days)).toEqual({ year: y, month: m, day: d })
      if (y >= 1970) expect(days * 86400).toBe(utc(y, m, d))
    }
  })
})

describe('zones', () => {
  it('reads the offsets written in time strings', () => {
    expect(zoneOffset('Z')).toBe(0)
    expect(zoneOffset('+0900')).toBe(32400)
    expect(zoneOffset('+09:00')).toBe(32400)
    expect(zoneOffset('-07')).toBe(-25200)
    expect(zoneOffset('+9')).toBe(32400)
    expect(zoneOffset('GMT+9')).toBe(32400)
    expect(zoneOffset('EST')).toBe(-18000)
    expect(zoneOffset('utc')).toBe(0)
    expect(zoneOffset('+05:30')).toBe(19800)
    expect(zoneOffset('nowhere')).toBeNull()
  })

  it('accepts Fluentd timezone forms, including +HH', () => {
    expect(parseZone('+09')!.offsetAt(0)).toBe(32400)
    expect(parseZone('-0700')!.offsetAt(0)).toBe(-25200)
    expect(parseZone('Europe/Zurich')!.offsetAt(utc(2016, 12, 2))).toBe(3600)
  })

  it('turns a wall clock into an instant, across daylight saving changes', () => {
    const ny = parseZone('America/New_York')!
    expect(wallToEpoch(civilToDays(2026, 7, 1) * 86400 + 12 * 3600, ny)).toBe(utc(2026, 7, 1, 16))
    expect(wallToEpoch(civilToDays(2026, 1, 1) * 86400 + 12 * 3600, ny)).toBe(utc(2026, 1, 1, 17))
    // 2026-11-01 01:30 happens twice in New York: the first (EDT) is chosen
    expect(wallToEpoch(civilToDays(2026, 11, 1) * 86400 + 5400, ny)).toBe(utc(2026, 11, 1, 5, 30))
    // 2026-03-08 02:30 does not exist: the offset before the change applies (07:30 UTC = 03:30 EDT)
    expect(wallToEpoch(civilToDays(2026, 3, 8) * 86400 + 9000, ny)).toBe(utc(2026, 3, 8, 7, 30))
  })
})

describe('strptime (Ruby Date._strptime + Time.strptime)', () => {
  it('parses the formats of Fluentd tests', () => {
    expect(strptime('%d/%b/%Y:%H:%M:%S %z', '28/Feb/2013:12:00:00 +0900')).toEqual({ sec: utc(2013, 2, 28, 3), nsec: 0 })
    expect(strptime('%d/%b/%Y:%H:%M:%S:%N %z', '28/Feb/2013:12:00:00:123456789 +0900')).toEqual({
      sec: utc(2013, 2, 28, 3),
      nsec: 123456789,
    })
    expect(strptime('%m/%d/%Y %H-%M-%S %N', '09/02/2016 18-42-31 012345678', fixedZone(-7 * 3600))).toEqual({
      sec: utc(2016, 9, 3, 1, 42, 31),
      nsec: 12345678,
    })
    expect(strptime('%Y-%m-%d %H:%M:%S.%N', '2016-10-21 01:54:30.123', fixedZone(-7200))).toEqual({
      sec: utc(2016, 10, 21, 3, 54, 30),
      nsec: 123000000,
    })
    expect(strptime('%Y-%m-%d %H:%M:%S.%N', '2016/10/21 015430')).toBeNull()
  })

  it('reads fixed widths when a numeric conversion follows (%Y%m%d%H%M%S)', () => {
    expect(strptime('%Y%m%d%H%M%S', '20120402182059')).toEqual({ sec: utc(2012, 4, 2, 18, 20, 59), nsec: 0 })
    expect(strptime('%Y', '12345')).toEqual({ sec: civilToDays(12345, 1, 1) * 86400, nsec: 0 })
  })

  it('reads all fraction digits before a zone, 3/9 before a number, and the width of %3N', () => {
    expect(strptime('%Y-%m-%dT%H:%M:%S.%L%z', '2018-09-26T15:54:26.620412+09:00')).toEqual({
      sec: utc(2018, 9, 26, 6, 54, 26),
      nsec: 620412000,
    })
    expect(strptime('%Y-%m-%dT%H:%M:%S.%L%z', '2017-02-06T13:14:15.003Z')).toEqual({ sec: utc(2017, 2, 6, 13, 14, 15), nsec: 3000000 })
    expect(strptime('%Y-%m-%dT%H:%M:%S.%NZ', '2020-04-25T17:47:34.356937755Z')).toEqual({
      sec: utc(2020, 4, 25, 17, 47, 34),
      nsec: 356937755,
    })
    expect(strptime('%H:%M:%S.%L%M', '10:00:00.1234')!.nsec).toBe(123000000)
    expect(strptime('%Y-%m-%dT%H:%M:%S.%3N', '2020-09-07T20:31:39.152999')).toEqual({ sec: utc(2020, 9, 7, 20, 31, 39), nsec: 152000000 })
    expect(strptime('%Y-%m-%dT%H:%M:%S.%N', '2020-09-07T20:31:39.1234567891234')!.nsec).toBe(123456789)
  })

  it('fills the missing leading parts from now (syslog has no year)', () => {
    expect(strptime('%b %d %H:%M:%S', 'Feb 28 12:00:00')).toEqual({ sec: utc(2016, 2, 28, 12), nsec: 0 })
    expect(strptime('%b %d %H:%M:%S', 'Jun  4 15:16:01')).toEqual({ sec: utc(2016, 6, 4, 15, 16, 1), nsec: 0 })
    expect(strptime('%H:%M', '12:34')).toEqual({ sec: utc(2016, 10, 21, 12, 34), nsec: 0 })
    expect(strptime('%b %d %M:%S:%H', 'Feb 28 00:00:12')).toEqual({ sec: utc(2016, 2, 28, 12), nsec: 0 })
  })

  it('handles 12-hour clocks, day names, composites, epoch seconds and ignores trailing text', () => {
    expect(strptime('%a, %d %b %Y %I:%M:%S %p %Z', 'Fri, 21 Oct 2016 01:54:30 PM GMT')).toEqual({
      sec: utc(2016, 10, 21, 13, 54, 30),
      nsec: 0,
    })
    expect(strptime('%F %T', '2016-10-21 01:54:30 trailing')).toEqual({ sec: utc(2016, 10, 21, 1, 54, 30), nsec: 0 })
    expect(strptime('%s', '1477022070')).toEqual({ sec: 1477022070, nsec: 0 })
    expect(strptime('%s.%N', '1477022070.5')).toEqual({ sec: 1477022070, nsec: 500000000 })
    expect(strptime('%Q', '1477022070123')).toEqual({ sec: 1477022070, nsec: 123000000 })
    expect(strptime('%Y %j', '2016 295')).toEqual({ sec: utc(2016, 10, 21), nsec: 0 })
    expect(strptime('%G-W%V-%u', '2016-W42-5')).toEqual({ sec: utc(2016, 10, 21), nsec: 0 })
    expect(strptime('%y%m%d', '161021')).toEqual({ sec: utc(2016, 10, 21), nsec: 0 })
  })

  it('rejects out-of-range parts and unknown conversions', () => {
    expect(strptime('%m/%d', '13/01')).toBeNull()
    expect(strptime('%H:%M', '25:00')).toBeNull()
    expect(() => compileStrptime('%Y-%q')).toThrow(StrptimeFormatError)
    expect(() => compileStrptime('%3Y')).toThrow(StrptimeFormatError)
  })
})

describe('ISO 8601 (Time.iso8601)', () => {
  it('reads dates, fractions and offsets; a time without an offset is in the given zone', () => {
    const at = (text: string, zone: Zone = UTC) => fieldsToInstant(readIso8601(text)!, NOW, zone)
    expect(at('2017-01-01T12:00:00+09:00')).toEqual({ sec: utc(2017, 1, 1, 3), nsec: 0 })
    expect(at('2017-01-01T12:00:00.123+09:00')).toEqual({ sec: utc(2017, 1, 1, 3), nsec: 123000000 })
    expect(at('2021-01-01T12:00:00+0900')).toEqual({ sec: utc(2021, 1, 1, 3), nsec: 0 })
    expect(at('2020-04-25T17:47:34.356937755Z')).toEqual({ sec: utc(2020, 4, 25, 17, 47, 34), nsec: 356937755 })
    expect(at('2017-01-01T12:00:00', fixedZone(3600))).toEqual({ sec: utc(2017, 1, 1, 11), nsec: 0 })
    expect(readIso8601('2017-01-01 12:00:00')).toBeNull()
    expect(readIso8601('1609470000')).toBeNull()
  })
})

describe('Time.parse guess (Date._parse subset)', () => {
  const guess = (text: string, zone: Zone = UTC) => {
    const f = guessTime(text)
    return f === null ? null : fieldsToInstant(f, NOW, zone)
  }

  it('reads the forms Fluentd tests and real logs use', () => {
    expect(guess('2013-09-18 12:00:00 +0900')).toEqual({ sec: utc(2013, 9, 18, 3), nsec: 0 })
    expect(guess('2016-10-21 01:54:30', fixedZone(-7200))).toEqual({ sec: utc(2016, 10, 21, 3, 54, 30), nsec: 0 })
    expect(guess('2016-10-21 01:54:30 -0400')).toEqual({ sec: utc(2016, 10, 21, 5, 54, 30), nsec: 0 })
    expect(guess('2016-10-21T01:55:24-02:00')).toEqual({ sec: utc(2016, 10, 21, 3, 55, 24), nsec: 0 })
    expect(guess('2016-10-21T03:55:24Z')).toEqual({ sec: utc(2016, 10, 21, 3, 55, 24), nsec: 0 })
    expect(guess('Wed Oct 11 14:32:52 2000')).toEqual({ sec: utc(2000, 10, 11, 14, 32, 52), nsec: 0 })
    expect(guess('Wed Oct 11 14:32:52.123456 2000')).toEqual({ sec: utc(2000, 10, 11, 14, 32, 52), nsec: 123456000 })
    expect(guess('Sun Dec 04 04:47:44 2005')).toEqual({ sec: utc(2005, 12, 4, 4, 47, 44), nsec: 0 })
    expect(guess('2013/02/28 12:00:00')).toEqual({ sec: utc(2013, 2, 28, 12), nsec: 0 })
    expect(guess('2013-3-03 14:27:33')).toEqual({ sec: utc(2013, 3, 3, 14, 27, 33), nsec: 0 })
    expect(guess('28/Feb/2013:12:00:00 +0900')).toEqual({ sec: utc(2013, 2, 28, 3), nsec: 0 })
    expect(guess('2016-09-02 18:42:31.012345678')).toEqual({ sec: utc(2016, 9, 2, 18, 42, 31), nsec: 12345678 })
    expect(guess('Dec 4, 2005 4:47 pm')).toEqual({ sec: utc(2005, 12, 4, 16, 47), nsec: 0 })
    expect(guess('04.12.2005')).toEqual({ sec: utc(2005, 12, 4), nsec: 0 })
    expect(guess('28/02/2013')).toEqual({ sec: utc(2013, 2, 28), nsec: 0 })
    expect(guess('20120402182059')).toEqual({ sec: utc(2012, 4, 2, 18, 20, 59), nsec: 0 })
    expect(guess('12:00')).toEqual({ sec: utc(2016, 10, 21, 12), nsec: 0 })
  })

  it('finds nothing in text without a date or time', () => {
    expect(guessTime('')).toBeNull()
    expect(guessTime('INVALID')).toBeNull()
    expect(guessTime('hello world')).toBeNull()
  })
})
