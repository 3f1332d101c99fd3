/** @module Zones, timekeys and strftime as Fluentd formats them. */

import { describe, expect, it } from 'vitest'
import { bufferZone, iso8601, parseZone, strftime, timekeyOf, UTC } from './time-format.ts'

const T = 1441588984 // 2015-09-07 01:23:04 UTC

describe('time-format', () => {
  it('formats strftime conversions in UTC and fixed offsets', () => {
    expect(strftime('%Y-%m-%d %H:%M:%S.%N %z', T, 123456789, UTC)).toBe('2015-09-07 01:23:04.123456789 +0000')
    expect(strftime('%Y%m%d%H %L %j %y %s %% %Q', T, 5_000_000, parseZone('+0930')!)).toBe('2015090710 005 250 15 1441588984 % %Q')
    expect(strftime('%:z', T, 0, parseZone('-07:00')!)).toBe('-07:00')
    expect(iso8601(T, UTC)).toBe('2015-09-07T01:23:04Z')
    expect(iso8601(T, parseZone('+09:00')!)).toBe('2015-09-07T10:23:04+09:00')
  })

  it("formats every conversion, flag and width as Ruby's Time#strftime (outputs from Ruby 3.1, TZ=Asia/Tokyo)", () => {
    const template =
      '%Q|%c|%x|%X|%D|%r|%+|%-d|%_m|%e|%k|%l|%I|%p|%P|%^a|%#p|%10N|%3N|%12N|%U|%W|%V|%G|%g|%u|%w|%C|%h|%n|%t|%::z|%-H|%010Y|%-y|%^B|%#b|%5z|%-z|%_z|%s|%1N|%v|%j|%L|%6L'
    const ruby =
      '%Q|Mon Sep  7 10:23:04 2015|09/07/15|10:23:04|09/07/15|10:23:04 AM|%+|7| 9| 7|10|10|10|AM|am|MON|am|1234567890|123|123456789000|36|36|37|2015|15|1|1|20|Sep|\n|\t|+09:00:00|10|0000002015|15|SEPTEMBER|SEP|+0900|+0900| +900|1441588984|1| 7-SEP-2015|250|123|123456'
    expect(strftime(template, T, 123456789, parseZone('Asia/Tokyo')!)).toBe(ruby)
    expect(strftime('%Z|%z', T, 0, UTC)).toBe('UTC|+0000')
    expect(strftime('%Z|%z', T, 0, parseZone('+09')!)).toBe('|+0900')
    expect(strftime('%Y|%C|%y', -62167219200, 0, UTC)).toBe('0000|00|00')
  })

  it('reads IANA zones with their daylight saving offsets', () => {
    const ny = parseZone('America/New_York')!
    expect(ny.offsetAt(Date.UTC(2026, 0, 15) / 1000)).toBe(-5 * 3600)
    expect(ny.offsetAt(Date.UTC(2026, 6, 15) / 1000)).toBe(-4 * 3600)
    expect(parseZone('Not/AZone')).toBeNull()
    expect(parseZone('+2500')).toBeNull()
    expect(() => bufferZone(false, 'nowhere')).toThrow(/unknown time zone/)
  })

  it('aligns timekeys in the zone (Fluentd calculate_timekey)', () => {
    expect(timekeyOf(T, 3600, UTC)).toBe(T - (T % 3600))
    const day = timekeyOf(T, 86400, parseZone('+0900')!)
    expect(strftime('%Y-%m-%d %H:%M:%S', day, 0, parseZone('+0900')!)).toBe('2015-09-07 00:00:00')
  })
})
