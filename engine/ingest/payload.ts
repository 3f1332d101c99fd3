/**
 * @module in_http's msgpack payloads (Fluentd's `parse_params_default` for `msgpack`): a stream of
 * objects, each a map (a record) or an array of maps; undecodable msgpack is an error (400), 64-bit
 * integers stay exact (bigint). JSON and NDJSON payloads go through the core's transcoder instead
 * (json-body.ts). Skipped elements are counted so the caller can log them.
 */

import { decodeMulti } from '@msgpack/msgpack'
import { eventTimeCodec } from '../event-time.ts'

export class PayloadError extends Error {}

export interface Payload {
  records: Record<string, unknown>[]
  /** Elements that were not records (scalars): Fluentd's "incoming event is invalid". */
  skipped: number
  /** Why the last skip happened (for the debug line). */
  skipReason: string | null
}

export const PARAM_REQUIRED = "'json', 'ndjson' or 'msgpack' parameter is required"

export function parseMsgpackPayload(bytes: Uint8Array): Payload {
  const out: Payload = { records: [], skipped: 0, skipReason: null }
  try {
    for (const value of decodeMulti(bytes, { extensionCodec: eventTimeCodec, useBigInt64: true })) collect(value, out)
  } catch (error) {
    throw new PayloadError(`invalid msgpack: ${error instanceof Error ? error.message : String(error)}`)
  }
  return out
}

function collect(value: unknown, out: Payload): void {
  if (isRecord(value)) {
    out.records.push(value)
  } else if (Array.isArray(value)) {
    for (const item of value) {
      if (isRecord(item)) out.records.push(item)
      else skip(out, `array element is not an object: ${describe(item)}`)
    }
  } else {
    skip(out, `not an object or an array of objects: ${describe(value)}`)
  }
}

function skip(out: Payload, reason: string): void {
  out.skipped++
  out.skipReason = reason
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A value for an error message: JSON (bigints as digits), cut at `max` characters. */
export function describe(value: unknown, max = 80): string {
  let text: string
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text
}
