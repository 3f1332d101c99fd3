/**
 * @module The edge answers' msgpack reader: a body becomes ITEMS, each either a record or the
 * reason it was refused, with where it was in the body, so one bad object refuses only itself
 * (`{line, index?, error}` in the 202 answer): a stream of objects; an array's elements are items
 * of their own (`index` is their position); `line` counts top-level objects from 1; undecodable
 * bytes refuse the object there and end the stream. JSON and NDJSON bodies are read by the core's
 * transcoder instead (json-body.ts), with the same line / index numbering.
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

/** Reads every item of a msgpack stream. */
export function readMsgpackItems(bytes: Uint8Array): Item[] {
  const items: Item[] = []
  let line = 0
  try {
    for (const value of decodeMulti(bytes, { extensionCodec: eventTimeCodec, useBigInt64: true })) collect(value, ++line, items)
  } catch (error) {
    items.push({ line: line + 1, error: `invalid msgpack: ${error instanceof Error ? error.message : String(error)}` })
  }
  return items
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
