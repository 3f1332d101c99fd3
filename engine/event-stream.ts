/**
 * @module EventStream: a batch of events for one tag, kept as the msgpack entries stream
 * `[time, record]*` (Fluentd's MessagePackEventStream, and the format of a buffer chunk). Records
 * stay bytes on the pass-through path; this module builds streams from objects and reads them back
 * for the plugins that need fields. A stream is immutable once made: outputs keep references (and
 * entry-view.ts remembers its entry index) — except a `lent` stream, emitted only into a route
 * that `lends` (plugin.ts: every step borrows), whose bytes the emitter reuses once emit returns:
 * whatever keeps such bytes past the emit copies them first (`ownedStream`: copy on retain).
 * Walk entries with `entryView`, `forEachEntry`, `eachEntry`.
 */

import { decode, Encoder } from '@msgpack/msgpack'
import type { Core } from '../wasm/core.ts'
import { entryView, forEachEntry } from './entry-view.ts'
import { EventTime, eventTimeCodec } from './event-time.ts'

export interface EventStream {
  readonly tag: string
  /** Concatenated `[EventTime, record]` entries. */
  readonly entries: Uint8Array
  readonly count: number
  /**
   * The bytes are lent: a view of memory the emitter reuses as soon as `emit` returns (in_forward:
   * its WASM input region). Set only on streams emitted into a route that `lends`; a step that
   * keeps the stream or any subarray of it past the emit keeps `ownedStream(stream)` instead.
   */
  readonly lent?: boolean
}

/**
 * A stream whose bytes the caller may keep: the stream itself, or for a `lent` one a copy of
 * its bytes (the copy on retain). Call it before keeping the stream past the emit, and before any
 * core call that could grow WASM memory while the lent view is still needed.
 */
export function ownedStream(stream: EventStream): EventStream {
  if (stream.lent !== true) return stream
  // A view of WASM memory made before the memory grew is detached (length 0): fail the emit (no
  // ack, the sender resends) rather than keep nothing. A route that lends makes no such call.
  if (stream.entries.length === 0 && stream.count > 0)
    throw new Error(`the lent bytes of a ${stream.tag} stream are gone (WASM memory grew during the emit)`)
  return { tag: stream.tag, entries: stream.entries.slice(), count: stream.count }
}

/** One event as objects: for filters that read fields, tests and tools. */
export interface Event {
  time: EventTime
  record: Record<string, unknown>
}

const encoder = exactIntegers(new Encoder({ extensionCodec: eventTimeCodec, useBigInt64: true, ignoreUndefined: true }))

/**
 * With `useBigInt64`, @msgpack/msgpack 3.1 writes a safe integer beyond 32 bits (a millisecond
 * timestamp, say) as a float64. Fluentd writes an integer; so do we: such numbers take the 64-bit
 * integer forms, everything else is left to the library.
 */
function exactIntegers(enc: Encoder): Encoder {
  type Internals = {
    encodeNumberAsFloat(n: number): void
    writeU8(b: number): void
    writeU64(n: number): void
    writeI64(n: number): void
  }
  const inner = enc as unknown as Internals
  const asFloat = inner.encodeNumberAsFloat.bind(enc)
  inner.encodeNumberAsFloat = (n: number) => {
    if (!Number.isSafeInteger(n)) return asFloat(n)
    if (n >= 0) {
      inner.writeU8(0xcf)
      inner.writeU64(n)
    } else {
      inner.writeU8(0xd3)
      inner.writeI64(n)
    }
  }
  return enc
}

/** Decodes a record's msgpack bytes (64-bit integers come back as bigint: exact). */
export function decodeRecord(bytes: Uint8Array): Record<string, unknown> {
  return decode(bytes, { extensionCodec: eventTimeCodec, useBigInt64: true }) as Record<string, unknown>
}

export function encodeRecord(record: Record<string, unknown>): Uint8Array {
  return encoder.encode(record)
}

/** Builds a stream from objects (EventTime is written as ext 0). */
export function streamFromEvents(tag: string, events: readonly Event[]): EventStream {
  const parts = events.map((e) => encoder.encode([e.time, e.record]))
  return { tag, entries: concat(parts), count: events.length }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]
  let size = 0
  for (const p of parts) size += p.length
  const out = new Uint8Array(size)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/**
 * Calls `visit(sec, nsec, recordStart, recordEnd, bytes)` for every valid entry of the stream, from
 * its entry index (entry-view.ts: built once per stream, no object per event). `bytes` is the
 * stream's entries, which the ranges index.
 */
export function eachEntry(
  core: Core,
  stream: EventStream,
  visit: (sec: number, nsec: number, recordStart: number, recordEnd: number, bytes: Uint8Array) => void,
): void {
  forEachEntry(core, stream, visit)
}

/**
 * The valid entries of a stream as `[sec, nsec, recordStart, recordEnd]` words (4 per entry),
 * positions into `stream.entries` itself — for plugins that do more than read each entry in place
 * (a parser that may call the core again), which must not hold `eachEntry`'s view of WASM memory.
 */
export function entryRanges(core: Core, stream: EventStream): Uint32Array {
  // From the stream's index (entry-view.ts): no new walk when it was read before.
  const out = new Uint32Array(entryView(core, stream).rows * 4)
  let k = 0
  forEachEntry(core, stream, (sec, nsec, recordStart, recordEnd) => {
    out[k++] = sec
    out[k++] = nsec
    out[k++] = recordStart
    out[k++] = recordEnd
  })
  return out.subarray(0, k)
}

/** Decodes every event of a stream into objects. */
export function decodeStream(core: Core, stream: EventStream): Event[] {
  const events: Event[] = []
  eachEntry(core, stream, (sec, nsec, start, end, bytes) => {
    events.push({ time: new EventTime(sec, nsec), record: decodeRecord(bytes.subarray(start, end)) })
  })
  return events
}
