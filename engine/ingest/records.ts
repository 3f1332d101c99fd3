/**
 * @module Turns parsed records into events as Fluentd's in_http does: add HTTP_* headers, QUERY_*
 * params and REMOTE_ADDR when asked, then the time — the `time` param (float seconds; 0 or not a
 * number = now) for every event, else each record's time field (numeric seconds; removed unless
 * keep_time_key; absent/nil = now; anything else is a 400), else now.
 */

import { EventTime } from '../event-time.ts'
import type { Event } from '../event-stream.ts'
import type { Params } from './form.ts'
import { PayloadError } from './payload.ts'

export interface RequestFields {
  /** HTTP_<NAME> → value, when add_http_headers. */
  headers: [string, string][] | null
  /** QUERY_<NAME> → value, when add_query_params. */
  query: [string, string][] | null
  /** REMOTE_ADDR, when add_remote_addr (null when unknown, as Fluentd's nil). */
  remoteAddr: string | null | undefined
  /** The `time` param, when given. */
  timeParam: Uint8Array | undefined
}

const textDecoder = new TextDecoder()
const MAX_SEC = 2 ** 32

export function buildEvents(
  records: Record<string, unknown>[],
  fields: RequestFields,
  options: { now: () => number; timeKey: string; keepTimeKey: boolean },
): Event[] {
  const fixed = fields.timeParam === undefined ? null : timeFromParam(textDecoder.decode(fields.timeParam), options.now)
  const events: Event[] = []
  records.forEach((record, index) => {
    if (fields.headers) for (const [k, v] of fields.headers) record[k] = v
    if (fields.query) for (const [k, v] of fields.query) record[k] = v
    if (fields.remoteAddr !== undefined) record.REMOTE_ADDR = fields.remoteAddr
    let time = fixed
    if (time === null) {
      const has = Object.hasOwn(record, options.timeKey)
      const value = has ? record[options.timeKey] : undefined
      if (has && !options.keepTimeKey) delete record[options.timeKey]
      time = timeFromField(value, options.now, index, options.timeKey)
    }
    events.push({ time, record })
  })
  return events
}

/** The `time` param: Ruby's `to_f` of the text (the leading number, else 0); 0 means now. */
export function timeFromParam(text: string, now: () => number): EventTime {
  const seconds = Number.parseFloat(text.trim())
  if (!Number.isFinite(seconds) || seconds === 0) return EventTime.now(now)
  if (seconds < 0 || seconds >= MAX_SEC) throw new PayloadError(`time parameter ${text} is out of range (unix seconds 0 … 2^32)`)
  return EventTime.fromFloat(seconds)
}

/** `Time.at(t)` of the record's field: numbers (and EventTime) only. */
function timeFromField(value: unknown, now: () => number, index: number, key: string): EventTime {
  if (value === undefined || value === null || value === false) return EventTime.now(now)
  if (value instanceof EventTime) return value
  const problem = timeFieldProblem(value, key)
  if (problem !== null) throw new PayloadError(`record ${index}: ${problem}`)
  return EventTime.fromFloat(Number(value))
}

/**
 * Why a record's time value (not absent, null or false) cannot be `Time.at`'s argument, or null:
 * numbers of unix seconds in [0, 2^32) only (Fluentd: `Time.at` raises → 400).
 */
export function timeFieldProblem(value: unknown, key: string): string | null {
  if (typeof value !== 'number' && typeof value !== 'bigint')
    return `${key} must be numeric unix seconds, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`
  const seconds = Number(value)
  if (!(seconds >= 0 && seconds < MAX_SEC)) return `${key} ${seconds} is out of range (unix seconds 0 … 2^32)`
  return null
}

/** `HTTP_<NAME>` pairs from request headers (dashes to underscores, upper case). */
export function headerFields(headers: Headers): [string, string][] {
  const out: [string, string][] = []
  headers.forEach((value, name) => out.push([`HTTP_${name.replace(/-/g, '_').toUpperCase()}`, value]))
  return out
}

/** `QUERY_<NAME>` pairs from the query params. */
export function queryFields(query: Params): [string, string][] {
  return [...query].map(([name, value]) => [`QUERY_${name.replace(/-/g, '_').toUpperCase()}`, textDecoder.decode(value)])
}
