/**
 * @module A small stream driver for framer tests: feeds chunks of a Forward stream to a `Framer` the
 * way a connection handler does (keep the unconsumed tail, wait until `need` bytes are buffered,
 * call again) and reports the messages with offsets rebased to the whole stream.
 */
import { type EntryInfo, type FrameOutcome, FrameStatus, type Framer, type MessageInfo, type Range } from '../../wasm/types.ts'
import { cat } from './msgpack-build.ts'

/** One `frame` call the driver made: the stream offset of the bytes passed in, their count, the outcome. */
export interface FeedCall {
  base: number
  length: number
  outcome: FrameOutcome
}

/** What feeding a whole stream gave, with every offset relative to the stream's start. */
export interface FeedResult {
  status: FrameStatus
  /** Stream offset up to which messages were consumed. */
  consumed: number
  messages: MessageInfo[]
  /** The last call's `need` (counted from `consumed`). */
  need: number
  /** Stream offset of the offending byte (INVALID), −1 otherwise. */
  errorOffset: number
  calls: FeedCall[]
}

const shift = (r: Range, by: number): Range => [r[0] + by, r[1] + by]

function rebaseEntry(e: EntryInfo, by: number): EntryInfo {
  return { ...e, record: shift(e.record, by), entry: shift(e.entry, by) }
}

/** A message with its offsets moved by `by` bytes. */
export function rebaseMessage(m: MessageInfo, by: number): MessageInfo {
  return {
    ...m,
    start: m.start + by,
    end: m.end + by,
    tag: m.tag === null ? null : shift(m.tag, by),
    entries: shift(m.entries, by),
    options: { ...m.options, chunk: m.options.chunk === null ? null : shift(m.options.chunk, by) },
    events: m.events.map((e) => rebaseEntry(e, by)),
  }
}

/**
 * Feeds `chunks` in order. After each chunk the buffered tail is framed only if it holds at least
 * the last `need` bytes; after the last chunk, bytes not yet seen by a call are framed once more.
 * Stops at FRAME_TOO_LARGE or INVALID (the connection would be closed).
 */
export function feed(framer: Framer, chunks: Iterable<Uint8Array>, maxFrame?: number): FeedResult {
  const calls: FeedCall[] = []
  const messages: MessageInfo[] = []
  let tail: Uint8Array = new Uint8Array(0)
  let base = 0
  let need = 0
  let unseen = false
  let last: FrameOutcome | null = null
  let errorOffset = -1

  const call = (): void => {
    const outcome = framer.frame(tail, maxFrame)
    calls.push({ base, length: tail.length, outcome })
    for (const m of outcome.messages) messages.push(rebaseMessage(m, base))
    if (outcome.status === FrameStatus.INVALID) errorOffset = base + outcome.errorOffset
    base += outcome.consumed
    tail = tail.slice(outcome.consumed)
    need = outcome.status === FrameStatus.NEED_MORE ? outcome.need : 0
    unseen = false
    last = outcome
  }
  const stopped = (): boolean => last !== null && (last.status === FrameStatus.FRAME_TOO_LARGE || last.status === FrameStatus.INVALID)

  for (const chunk of chunks) {
    tail = cat(tail, chunk)
    unseen = unseen || chunk.length > 0
    if (tail.length >= need && unseen) call()
    if (stopped()) break
  }
  if (unseen && !stopped()) call()

  const final = last as FrameOutcome | null
  return {
    status: final?.status ?? FrameStatus.OK,
    consumed: base,
    messages,
    need: final?.status === FrameStatus.NEED_MORE ? final.need : 0,
    errorOffset,
    calls,
  }
}

/** The stream cut into 1-byte chunks. */
export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b))
}

/** The stream cut at the given offsets (sorted, duplicates give empty chunks). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...cuts].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let from = 0
  for (const p of points) {
    const at = Math.max(from, Math.min(p, bytes.length))
    chunks.push(bytes.subarray(from, at))
    from = at
  }
  chunks.push(bytes.subarray(from))
  return chunks
}

/** One read of the whole stream, in the same shape as `feed` gives (for comparisons). */
export function frameOnce(framer: Framer, bytes: Uint8Array, maxFrame?: number): Omit<FeedResult, 'calls'> {
  const o = framer.frame(bytes, maxFrame)
  return { status: o.status, consumed: o.consumed, messages: o.messages, need: o.need, errorOffset: o.errorOffset }
}
