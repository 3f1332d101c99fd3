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
