/**
 * @module JSON mode (protocol §1.1, Fluentd only): a connection whose first byte is `{` or `[` is a
 * stream of JSON values instead of msgpack. `JsonSplitter` finds value boundaries incrementally
 * (each byte scanned once, the value's bytes kept only until it is complete, capped at
 * `max_frame_size`); `jsonWork` reads a value as a Message or Forward mode request. JSON has no
 * EventTime: a time must be an integer (0 = now); anything else is an invalid event. Acks are
 * JSON text. Numbers above 2^53 lose precision (JSON.parse), as with any JSON reader.
 */

import { encodeRecord } from '../../../engine/event-stream.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { jsonAck } from '../../../engine/forward/ack.ts'
import type { EventBuilder } from './events.ts'
import { headBase64, peerName, type Peer, type Work } from './work.ts'

const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/** True when a connection's first byte selects JSON mode. */
export function isJsonStart(byte: number): boolean {
  return byte === OPEN_OBJECT || byte === OPEN_ARRAY
}

/** Splits a byte stream into top-level JSON objects/arrays. */
export class JsonSplitter {
  private parts: Uint8Array[] = []
  private length = 0
  private depth = 0
  private inString = false
  private escape = false

  constructor(private readonly maxValueSize: number) {}

  /** Bytes of an incomplete value kept so far (0: between values). */
  get pending(): number {
    return this.length
  }

  /** The first bytes of the incomplete value as base64 (for log lines). */
  head(): string {
    return this.parts.length === 0 ? '' : headBase64(this.parts[0], 0, this.parts[0].length)
  }

  /** The complete values in `chunk` (with what came before); `error` stops the stream. */
  push(chunk: Uint8Array): { values: Uint8Array[]; error: string | null } {
    const values: Uint8Array[] = []
    let segment = 0
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]
      if (this.depth === 0) {
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
          segment = i + 1
          continue
        }
        if (b !== OPEN_OBJECT && b !== OPEN_ARRAY) {
          return { values, error: `unexpected byte 0x${b.toString(16).padStart(2, '0')} between JSON values` }
        }
        segment = i
        this.depth = 1
        continue
      }
      if (this.inString) {
        if (this.escape) this.escape = false
        else if (b === BACKSLASH) this.escape = true
        else if (b === QUOTE) this.inString = false
        continue
      }
      if (b === QUOTE) this.inString = true
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth++
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        this.depth--
        if (this.depth === 0) {
          values.push(this.take(chunk.subarray(segment, i + 1)))
          segment = i + 1
        }
      }
    }
    if (this.depth > 0) {
      const rest = chunk.subarray(segment)
      this.parts.push(rest)
      this.length += rest.length
      if (this.length > this.maxValueSize)
        return { values, error: `a JSON value is longer than max_frame_size (${this.maxValueSize} bytes)` }
    }
    return { values, error: null }
  }

  private take(last: Uint8Array): Uint8Array {
    if (this.parts.length === 0) return last
    const out = Buffer.concat([...this.parts, last])
    this.parts = []
    this.length = 0
    return out
  }
}

const textDecoder = new TextDecoder()

/** One JSON value → the connection's Work (null for ignored non-array values). */
export function jsonWork(text: Uint8Array, events: EventBuilder, log: Logger, metrics: PluginMetrics, peer: Peer): Work | null {
  metrics.bytesIn += text.length
  let value: unknown
  try {
    value = JSON.parse(textDecoder.decode(text))
  } catch (err) {
    metrics.errors++
    log.error('Incoming JSON is broken; closing the connection.', {
      peer: peerName(peer),
      error: (err as Error).message,
      head: headBase64(text, 0, text.length),
    })
    return { kind: 'close', reason: 'broken JSON' }
  }
  if (!Array.isArray(value)) {
    metrics.errors++
    log.warn('Incoming chunk is broken (not an array); ignored it.', {
      peer: peerName(peer),
      size: text.length,
      head: headBase64(text, 0, text.length),
    })
    return null
  }
  const forward = Array.isArray(value[1])
  const option = forward ? value[2] : value[3]
  const chunk = isObject(option) ? option.chunk : undefined
  const ack = chunk === undefined ? null : jsonAck(chunk)
  const raw: unknown[][] = forward ? (value[1] as unknown[]).map((e) => (Array.isArray(e) ? e : [undefined, e])) : [[value[1], value[2]]]
  const tag = value[0]
  const tagText = typeof tag === 'string' ? tag : '(not a string)'
  if (typeof value[1] === 'string') {
    events.reportInvalid(tagText, 1, { packed_in_json: 1 }, peer)
    return { kind: 'message', stream: null, ack }
  }
  if (typeof tag !== 'string') {
    events.reportInvalid(tagText, raw.length, { tag: raw.length }, peer)
    return { kind: 'message', stream: null, ack }
  }
  const [nowSec, nowNsec] = events.now()
  const good: { sec: number; nsec: number; record: Uint8Array }[] = []
  const reasons: Record<string, number> = {}
  for (const [time, record] of raw) {
    const reason = !isTime(time) ? 'time' : !isObject(record) ? 'record' : null
    if (reason !== null) {
      reasons[reason] = (reasons[reason] ?? 0) + 1
      continue
    }
    const sec = time as number
    good.push({ sec: sec === 0 ? nowSec : sec, nsec: sec === 0 ? nowNsec : 0, record: encodeRecord(record as Record<string, unknown>) })
  }
  const invalid = raw.length - good.length
  if (invalid > 0) events.reportInvalid(tag, invalid, reasons, peer)
  const entries = good.length > 0 ? events.packRecords(good) : new Uint8Array(0)
  return { kind: 'message', stream: events.finish(tag, entries, good.length, peer), ack }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isTime(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff
}
