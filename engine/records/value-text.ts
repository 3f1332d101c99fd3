/**
 * @module Decoded msgpack values as text: JSON, except that 64-bit integers (bigint) are
 * written exactly, binary values as `<bin N bytes>` and EventTime as `sec.nsec`. Used by the designer (event
 * rows, record views, NDJSON export), filter explanations and `sluice test` reports.
 */

import { EventTime } from '../event-time.ts'

/**
 * @example
 * toJsonText({ id: 18446744073709551615n, ok: true }) // '{"id":18446744073709551615,"ok":true}'
 */
export function toJsonText(value: unknown, max = Infinity): string {
  const out: string[] = []
  let length = 0
  const push = (s: string): boolean => {
    out.push(s)
    length += s.length
    return length < max
  }
  const write = (v: unknown): boolean => {
    if (typeof v === 'bigint') return push(v.toString())
    if (typeof v === 'number') return push(Number.isFinite(v) ? String(v) : JSON.stringify(String(v)))
    if (typeof v === 'string') return push(JSON.stringify(v))
    if (typeof v === 'boolean' || v === null) return push(String(v))
    if (v === undefined) return push('null')
    if (v instanceof EventTime) return push(v.toString())
    if (v instanceof Uint8Array) return push(`"<bin ${v.length} bytes>"`)
    if (Array.isArray(v)) {
      if (!push('[')) return false
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !push(',')) return false
        if (!write(v[i])) return false
      }
      return push(']')
    }
    if (typeof v === 'object') {
      if (!push('{')) return false
      let first = true
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (!first && !push(',')) return false
        first = false
        if (!push(JSON.stringify(k) + ':')) return false
        if (!write(x)) return false
      }
      return push('}')
    }
    return push(JSON.stringify(String(v)))
  }
  write(value)
  const text = out.join('')
  return text.length > max ? text.slice(0, max - 1) + '…' : text
}

/** A short display of one value (strings quoted, long ones cut). */
export function valueText(value: unknown, max = 160): string {
  return toJsonText(value, max)
}
