/**
 * @module A chunk cut into NATS messages. The chunk's entries are walked once with the core and cut
 * at event boundaries so that every message (headers and envelope included) stays within the byte
 * budget and the event limit; the cut depends only on the chunk's bytes and the limits, so a chunk
 * written again gives the same messages (and the same Nats-Msg-Id ids). Each message is either
 * Forward msgpack — PackedForward `[tag, bin(entries), {"size": n}]`, or CompressedPackedForward
 * with `{"compressed": "gzip"}`, engine/forward's envelope — which any Forward reader (in_nats,
 * in_forward, Fluentd) takes back losslessly, or the formatted lines of its events. Events too large for any message are
 * handed back separately.
 */

import type { Core } from '../../../wasm/core.ts'
import { envelopeHeader, envelopeOptions } from '../../../engine/forward/envelope.ts'
import { walkEntryRanges } from '../../../engine/output/entries.ts'
import { ByteBuffer } from '../../../engine/formatter/byte-buffer.ts'
import type { FormatterPlugin } from '../../../engine/formatter/types.ts'

/** A run of whole entries `[start, end)` of the chunk that becomes one message. */
export interface Piece {
  start: number
  end: number
  count: number
}

export interface Cut {
  pieces: Piece[]
  /** Entries larger than the budget (each alone), as ranges of the chunk. */
  oversize: Piece[]
}

/** Largest Forward envelope around `tagBytes` of tag: array, str, bin32 header, option map (size, compressed: gzip). */
export function envelopeOverhead(tagBytes: number): number {
  return 1 + 5 + tagBytes + 5 + 1 + 5 + 5 + 11 + 5
}

/** Most bytes gzip can add to `n` bytes (stored blocks: 5 bytes per 16 KiB, plus header and trailer). */
export function gzipGrowth(n: number): number {
  return Math.ceil(n / 16384) * 5 + 32
}

/**
 * Cuts `entries` into pieces of at most `budget` bytes and `maxEvents` events, in order; a gap
 * (an invalid entry, skipped by the walk) always ends a piece. Null when `entries` is not a
 * complete entries stream.
 */
export function cutEntries(core: Core, entries: Uint8Array, budget: number, maxEvents: number): Cut | null {
  const pieces: Piece[] = []
  const oversize: Piece[] = []
  let start = -1
  let end = -1
  let count = 0
  const close = () => {
    if (count > 0) pieces.push({ start, end, count })
    count = 0
  }
  const ok = walkEntryRanges(core, entries, (s, e) => {
    if (e - s > budget) {
      close()
      oversize.push({ start: s, end: e, count: 1 })
      return
    }
    if (count > 0 && (s !== end || e - start > budget || count >= maxEvents)) close()
    if (count === 0) start = s
    end = e
    count++
  })
  if (!ok) return null
  close()
  return { pieces, oversize }
}

/**
 * One NATS payload: engine/forward's PackedForward envelope (`[tag, bin(payload), {"size": count}]`,
 * plus `"compressed": "gzip"` for a gzip payload) around the payload, in one buffer.
 */
export function forwardMessage(tag: string, payload: Uint8Array, count: number, gzip: boolean): Uint8Array {
  const head = envelopeHeader(tag, payload.length)
  const options = envelopeOptions(count, null, gzip)
  const out = new Uint8Array(head.length + payload.length + options.length)
  out.set(head, 0)
  out.set(payload, head.length)
  out.set(options, head.length + payload.length)
  return out
}

/** Formatted messages of a chunk, with the events that did not go into any. */
export interface FormattedCut {
  messages: Uint8Array[]
  /** Events whose formatted bytes alone exceed the budget. */
  oversize: Piece[]
  /** Events the formatter refused (a NaN for a JSON formatter), with the first error. */
  refused: Piece[]
  error: unknown
}

/**
 * Formatted messages: each event through the `<format>` formatter (engine/formatter), joined into
 * messages of at most `budget` bytes and `maxEvents` events. Null when `entries` is not a complete
 * entries stream.
 */
export function formattedMessages(
  core: Core,
  tag: string,
  entries: Uint8Array,
  formatter: FormatterPlugin,
  budget: number,
  maxEvents: number,
): FormattedCut | null {
  const cut: FormattedCut = { messages: [], oversize: [], refused: [], error: null }
  const message = new ByteBuffer(Math.min(budget, 64 * 1024))
  let events = 0
  const close = () => {
    if (events > 0) cut.messages.push(message.take())
    message.reset()
    events = 0
  }
  const ok = walkEntryRanges(core, entries, (s, e, sec, nsec, rs, re, mem) => {
    if (events >= maxEvents) close()
    const mark = message.length
    try {
      formatter.format(tag, sec, nsec, mem, rs, re, message)
    } catch (error) {
      message.truncate(mark)
      if (cut.refused.length === 0) cut.error = error
      cut.refused.push({ start: s, end: e, count: 1 })
      return
    }
    const size = message.length - mark
    if (size > budget) {
      message.truncate(mark)
      cut.oversize.push({ start: s, end: e, count: 1 })
      return
    }
    if (message.length > budget) {
      // This event does not fit after the others: close the message without it and start the next with it.
      const line = message.bytes.slice(mark, message.length)
      message.truncate(mark)
      close()
      message.writeBytes(line)
    }
    events++
  })
  if (!ok) return null
  close()
  return cut
}
