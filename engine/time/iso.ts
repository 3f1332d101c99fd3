/**
 * @module `isoTime(ms)`: exactly what `new Date(ms).toISOString()` gives
 * (`2026-11-21T06:52:00.123Z`), written from the date's UTC fields. Node 20's V8 looks up the
 * local time zone inside toISOString although the answer is UTC, which loads ICU's time zone data
 * (~0.6 MB resident) into a daemon the first time it logs a line; the UTC getters do not.
 * Years outside 0000–9999 (written `±YYYYYY`) and invalid times (RangeError) are left to
 * toISOString.
 */

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

export function isoTime(ms: number): string {
  const d = new Date(ms)
  const year = d.getUTCFullYear()
  if (!(year >= 0 && year <= 9999)) return d.toISOString()
  const millis = d.getUTCMilliseconds()
  return (
    `${String(year).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}` +
    `.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`
  )
}
