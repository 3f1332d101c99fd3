/**
 * @module The edge answers' payload reader: a body becomes ITEMS, each either a record or the
 * reason it was refused, with where it was in the body, so one bad line refuses only itself
 * (`{line, index?, error}` in the 202 answer). Formats:
 * - text (JSON or NDJSON, as `navigator.sendBeacon` strings and Blobs arrive): the whole body as
 *   one JSON text when it parses, else one JSON text per line;
 * - ndjson: one JSON text per line (blank lines skipped);
 * - msgpack: a stream of objects; undecodable bytes refuse the object there and end the stream.
 * An array's elements are items of their own (`index` is their position). `line` counts lines of
 * text bodies from 1, and top-level objects of a msgpack stream from 1.
 * Integers beyond 2^53 in JSON stay exact (bigint) where the runtime gives JSON.parse's reviver the
 * source text (workerd, Node ≥ 21); elsewhere they are JSON numbers as JSON.parse reads them.
 */

import { decodeMulti } from '@msgpack/msgpack'
import { eventTimeCodec } from '../event-time.ts'
import { describe, isRecord } from './payload.ts'

export interface Item {
  line: number
  /** Position in the array the item came from, when it came from one. */
  index?: number
  record?: Record<string, unknown>
  error?: string
}

export type ItemFormat = 'text' | 'ndjson' | 'msgpack'

const textDecoder = new TextDecoder()
/** A run of 16+ digits: the only texts that can hold an integer JSON.parse would round. */
const LONG_DIGITS = /\d{16}/
const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

function parseJson(text: string): unknown {
  return LONG_DIGITS.test(text) ? JSON.parse(text, exactIntegers as never) : JSON.parse(text)
}

/** Reviver: an integer JSON.parse rounded comes back as the bigint of its source text (64-bit range). */
function exactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value) || context?.source === undefined || !/^-?\d+$/.test(context.source))
    return value
  const exact = BigInt(context.source)
  return exact >= INT64_MIN && exact <= UINT64_MAX ? exact : value
}

/** Reads every item of `bytes`. */
export function readItems(bytes: Uint8Array, format: ItemFormat): Item[] {
  const items: Item[] = []
  if (format === 'msgpack') readMsgpack(bytes, items)
  else {
    const text = textDecoder.decode(bytes)
    if (format === 'ndjson' || !readWhole(text, items)) readLines(text, items)
  }
  return items
}

/** The whole text as one JSON value; false (nothing added) when it does not parse. */
function readWhole(text: string, items: Item[]): boolean {
  if (text.trim() === '') return true
  let value: unknown
  try {
    value = parseJson(text)
  } catch {
    return false
  }
  collect(value, 1, items)
  return true
}

function readLines(text: string, items: Item[]): void {
  let line = 0
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    line++
    const content = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end)
    start = end + 1
    if (content.trim() === '') continue
    let value: unknown
    try {
      value = parseJson(content)
    } catch (error) {
      items.push({ line, error: `invalid JSON: ${messageOf(error)}` })
      continue
    }
    collect(value, line, items)
  }
}

function readMsgpack(bytes: Uint8Array, items: Item[]): void {
  let line = 0
  try {
    for (const value of decodeMulti(bytes, { extensionCodec: eventTimeCodec, useBigInt64: true })) collect(value, ++line, items)
  } catch (error) {
    items.push({ line: line + 1, error: `invalid msgpack: ${messageOf(error)}` })
  }
}

function collect(value: unknown, line: number, items: Item[]): void {
  if (isRecord(value)) items.push({ line, record: value })
  else if (Array.isArray(value)) {
    value.forEach((element, index) => {
      if (isRecord(element)) items.push({ line, index, record: element })
      else items.push({ line, index, error: `not an object: ${describe(element, 60)}` })
    })
  } else items.push({ line, error: `not an object or an array of objects: ${describe(value, 60)}` })
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
