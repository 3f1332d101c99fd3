/**
 * @module isoTime against Date.prototype.toISOString: the same text for every time a Date holds
 * (fast-check over the whole range, and the edges: epoch, year 0 and 9999, negative years, years
 * past 9999, milliseconds 0 / 9 / 99), and the same RangeError for an invalid time.
 */

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoTime } from './iso.ts'

const MAX_TIME = 8.64e15

describe('isoTime', () => {
  it('equals toISOString for any valid time', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_TIME, max: MAX_TIME }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString())
      }),
      { numRuns: 5000 },
    )
  })

  it('equals toISOString at the edges', () => {
    const edges = [
      0,
      -1,
      1,
      9,
      99,
      Date.UTC(0, 0, 1) - 1,
      Date.UTC(2026, 10, 21, 6, 52, 0, 123),
      new Date('0000-01-01T00:00:00.000Z').getTime(),
      new Date('0000-01-01T00:00:00.000Z').getTime() - 1,
      new Date('9999-12-31T23:59:59.999Z').getTime(),
      new Date('9999-12-31T23:59:59.999Z').getTime() + 1,
      MAX_TIME,
      -MAX_TIME,
      1.5,
      -0.5,
    ]
    for (const ms of edges) expect(isoTime(ms)).toBe(new Date(ms).toISOString())
  })

  it('throws the RangeError toISOString throws for an invalid time', () => {
    for (const ms of [Number.NaN, MAX_TIME + 1, Number.POSITIVE_INFINITY]) {
      expect(() => isoTime(ms)).toThrow(RangeError)
    }
  })
})
