/**
 * @module The read path of one file: read 64 KiB at the next offset, split the bytes on `\n`
 * (native indexOf), give each line to the parser as a byte range of the read buffer (no string
 * per line), and emit a batch every read_lines_limit lines. The position written to the pos_file
 * is the end of the last line of a batch the router accepted: a partial last line, a rejected
 * batch and (with a line-joining parser) the lines of a record still held are never counted, so a
 * crash re-reads them (at-least-once). A rejected emit rewinds the file to its last position and
 * stops reading it until the next trigger. A line longer than max_line_size (newline included)
 * is dropped with a warning, including one still growing (its bytes are not kept).
 */

import { EventTime } from '../../../engine/event-time.ts'
import type { Logger } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { failureOf, type ParseFailure, type ParserPlugin, parseMany, type Unmatched } from '../../../engine/parser/types.ts'
import type { FileHandle } from 'node:fs/promises'
import { PRINT_BYTES, type ScratchPool } from './line-buffer.ts'
import { MAX_READ_BYTES, READ_CHUNK_BYTES, type TailOptions } from './options.ts'
import type { RecordSink } from './records.ts'
import type { TailWatcher } from './watcher.ts'

export interface ReadContext {
  options: TailOptions
  parser: ParserPlugin
  /**
   * The parser's streams hold at most one record at a time (Fluentd's multiline mode: its `@type`
   * contains "multiline"), so a line that ends a held record starts whatever is held next.
   */
  singleRecordStream: boolean
  sink: RecordSink
  pool: ScratchPool
  log: Logger
  metrics: PluginMetrics
  /** Milliseconds since the epoch. */
  now(): number
  /** Emits the sink's batch as events of `w`; false when the router did not accept it. */
  emit(w: TailWatcher): Promise<boolean>
  /** Logs a line the parser could not use (rate-limited by the caller). */
  unmatchedLine(w: TailWatcher, line: Uint8Array, reason: string): void
  /** Logs a line the parser found invalid (a value it cannot use; never emitted as unmatched). */
  invalidLine(w: TailWatcher, line: Uint8Array, reason: string): void
}

/** How a read of one file ended. */
export type ReadOutcome =
  /** Read up to the end of the file. */
  | 'eof'
  /** Stopped with more to read (its share of the worker, or the shutdown deadline). */
  | 'more'
  /** An emit was not accepted: the file was rewound to its last position. */
  | 'rejected'
  /** read_bytes_limit_per_second or its `<group>` limit reached for now. */
  | 'throttled'
  /** The file cannot be opened (missing, unreadable) or is another inode than expected. */
  | 'closed'
  /** The bytes before the read offset changed: truncated and written again past the old size (a truncation stat missed). */
  | 'rewritten'

/** Bytes one file may read before the worker moves on to the next file. */
export const SHARE_BYTES = 4 * 1024 * 1024

export interface ReadLimits {
  /** Stop after this many bytes (the worker's fairness share). */
  shareBytes: number
  /** Stop at this time (ms since the epoch; shutdown). */
  deadlineMs?: number
}

/** Reads what was appended to `w` and emits it; see the module comment. */
export async function readFile(w: TailWatcher, ctx: ReadContext, limits: ReadLimits): Promise<ReadOutcome> {
  const { options, pool } = ctx
  let handle = w.handle
  if (handle === null) {
    try {
      handle = await w.open()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES' || code === 'EPERM') ctx.log.warn(String((error as Error).message), { path: w.path })
      else if (code !== 'ENOENT') ctx.log.error('cannot open a file', { path: w.path, error: String(error) })
      return 'closed'
    }
    // The path may point at another file than the one this watcher follows (rotated meanwhile).
    const opened = await handle.stat({ bigint: true }).catch(() => null)
    if (opened === null || (w.pe.ino !== 0n && opened.ino !== w.pe.ino)) {
      await w.close()
      return 'closed'
    }
  }
  ctx.sink.setPath(w.path)
  let batchLines = 0
  let readBytes = 0
  let allowance = groupAllowance(w, ctx.now())
  let outcome: ReadOutcome = 'eof'
  // At the live end of a file, check before reading that it was not truncated and rewritten.
  let atTail = !w.rotated
  let readSize = READ_CHUNK_BYTES
  try {
    for (;;) {
      // 1. Lines already in the buffer.
      const consumed = await consumeLines(w, ctx, batchLines, allowance)
      if (consumed === 'rejected') return 'rejected'
      batchLines = consumed.batchLines
      if (w.group !== null && consumed.lines > 0) {
        w.group.count(w.path, consumed.lines, ctx.now())
        allowance -= consumed.lines
      }
      if (allowance <= 0 || bytesLimitReached(w, ctx)) {
        outcome = 'throttled'
        break
      }
      if (readBytes >= limits.shareBytes || (limits.deadlineMs !== undefined && ctx.now() >= limits.deadlineMs)) {
        outcome = 'more'
        break
      }
      // 2. More bytes.
      if (atTail && (await rewritten(w, handle))) {
        outcome = 'rewritten'
        break
      }
      const lines = w.lines
      // read_bytes_limit_per_second: never read past this second's allowance.
      const ask = options.readBytesLimitPerSecond > 0 ? Math.min(readSize, options.readBytesLimitPerSecond - w.bytesRead) : readSize
      lines.reserve(ask, pool)
      w.readingSinceMs ??= ctx.now()
      const { bytesRead } = await handle.read(lines.buf, lines.end, ask, lines.readOffset)
      if (bytesRead === 0) {
        w.eof = true
        break
      }
      w.eof = false
      lines.end += bytesRead
      lines.notePrint()
      atTail = !w.rotated && bytesRead < ask
      if (bytesRead === readSize && readSize < MAX_READ_BYTES) readSize *= 2
      readBytes += bytesRead
      w.bytesRead += bytesRead
    }
    if (!(await flushBatch(w, ctx))) return 'rejected'
    return outcome
  } finally {
    w.lines.release(pool)
    if (options.openOnEveryUpdate) await w.close()
  }
}

const printCheck = Buffer.alloc(PRINT_BYTES)

/**
 * Are the bytes just before the read offset still those read there? Fluentd detects a truncation
 * only by a smaller size at a stat; a file truncated and written again past its old size between
 * two stats would be read from the middle of its new content. This check (one small pread) sees it.
 */
async function rewritten(w: TailWatcher, handle: FileHandle): Promise<boolean> {
  const lines = w.lines
  const n = lines.printLength
  if (n === 0) return false
  const { bytesRead } = await handle.read(printCheck, 0, n, lines.readOffset - n)
  return bytesRead !== n || printCheck.compare(lines.print, 0, n, 0, n) !== 0
}

/** read_bytes_limit_per_second (Fluentd's limit_bytes_per_second_reached?): resets after a second. */
function bytesLimitReached(w: TailWatcher, ctx: ReadContext): boolean {
  const limit = ctx.options.readBytesLimitPerSecond
  if (limit < 0 || w.bytesRead < limit) return false
  const now = ctx.now()
  w.readingSinceMs ??= now
  if (now - w.readingSinceMs < 1000) return true
  w.readingSinceMs = null
  w.bytesRead = 0
  return false
}

/**
 * Lines the file's `<group>` lets it read now. A file that left its group (no longer matched by
 * `path`) is drained without a limit until it is closed (in Fluentd it would wait forever).
 */
function groupAllowance(w: TailWatcher, nowMs: number): number {
  if (w.group === null || (w.rotated && !w.group.files.has(w.path))) return Number.POSITIVE_INFINITY
  return w.group.allowance(w.path, nowMs)
}

/** Is read_bytes_limit_per_second (or the file's group) holding this file back right now? */
export function throttled(w: TailWatcher, ctx: ReadContext): boolean {
  if (bytesLimitReached(w, ctx)) return true
  return groupAllowance(w, ctx.now()) <= 0
}

/**
 * Feeds the complete lines held in `w.lines` to the parser, emitting a batch each
 * read_lines_limit lines; stops early at `allowance` lines (`<group>`).
 */
async function consumeLines(
  w: TailWatcher,
  ctx: ReadContext,
  batchLinesIn: number,
  allowance: number,
): Promise<{ batchLines: number; lines: number } | 'rejected'> {
  const { options } = ctx
  const lines = w.lines
  const end = lines.end
  // A view that ends at `end`: indexOf never finds a stale newline past it. Parsers get a plain
  // Uint8Array over the same bytes (its slice() copies, unlike a Buffer's); valid during the call only.
  const view = lines.buf.subarray(0, end)
  const bytes = new Uint8Array(view.buffer, view.byteOffset, end)
  let s = lines.start
  let batchLines = batchLinesIn
  let count = 0
  if (s === end) return { batchLines, lines: 0 }
  const now = EventTime.now(ctx.now)
  const unmatched = unmatchedFor(ctx, w)
  if (w.skipping) {
    const nl = view.indexOf(10, s)
    if (nl < 0) {
      lines.dropPending()
      return { batchLines, lines: 0 }
    }
    w.skipping = false
    s = nl + 1
    lines.start = s
    ctx.log.debug('The continuing line is finished and discarded', { path: w.path })
  }
  const limit = options.readLinesLimit
  // Line-at-a-time parsers with no transcoding get the lines of a batch in one parseMany call
  // (parser_json: one core call for all of them) instead of one parse per line.
  const batched = w.stream === null && options.transcode === null
  const ranges = batched ? rangesFor(ctx) : null
  let pending = 0
  for (;;) {
    const nl = view.indexOf(10, s)
    if (nl < 0) break
    if (nl + 1 - s > options.maxLineSize) {
      ctx.metrics.dropped++
      ctx.log.warn(`received line length is longer than ${options.maxLineSize}`, { path: w.path, length: nl + 1 - s })
      s = nl + 1
      continue
    }
    // Ruby's chomp: the newline and one carriage return before it.
    const e = nl > s && view[nl - 1] === 13 ? nl - 1 : nl
    if (ranges === null) feedLine(w, ctx, unmatched, bytes, s, e, lines.base + s, now)
    else {
      ranges[2 * pending] = s
      ranges[2 * pending + 1] = e
      if (++pending === BATCH_RANGES) {
        feedLines(w, ctx, unmatched, bytes, ranges, pending, now)
        pending = 0
      }
    }
    s = nl + 1
    count++
    batchLines++
    if (batchLines >= limit || count >= allowance) {
      if (pending > 0) feedLines(w, ctx, unmatched, bytes, ranges!, pending, now)
      pending = 0
      lines.start = s
      if (!(await flushBatch(w, ctx))) return 'rejected'
      batchLines = 0
      if (count >= allowance) return { batchLines, lines: count }
    }
  }
  if (pending > 0) feedLines(w, ctx, unmatched, bytes, ranges!, pending, now)
  lines.start = s
  if (end - s > options.maxLineSize) {
    // The partial line is already too long: drop what there is and skip the rest of it.
    ctx.log.debug(`The continuing current line length is longer than ${options.maxLineSize}; discarding it until it ends`, {
      path: w.path,
    })
    w.skipping = true
    w.skipFrom = lines.base + s
    ctx.metrics.dropped++
    ctx.log.warn(`received line length is longer than ${options.maxLineSize}`, { path: w.path, length: end - s })
    lines.dropPending()
  }
  return { batchLines, lines: count }
}

/** Receives what a parser could not use; `seen` tells feedLine that the last push had one. */
class UnmatchedHandler {
  watcher: TailWatcher | null = null
  seen = false
  readonly callback: Unmatched

  constructor(private readonly ctx: ReadContext) {
    this.callback = (text, reason) => {
      this.seen = true
      if (this.ctx.options.emitUnmatchedLines) this.ctx.sink.appendUnmatched(text, EventTime.now(this.ctx.now))
      this.ctx.unmatchedLine(this.watcher!, text, reason)
    }
  }
}

const handlers = new WeakMap<ReadContext, UnmatchedHandler>()

function unmatchedFor(ctx: ReadContext, w: TailWatcher): UnmatchedHandler {
  let handler = handlers.get(ctx)
  if (handler === undefined) {
    handler = new UnmatchedHandler(ctx)
    handlers.set(ctx, handler)
  }
  handler.watcher = w
  handler.seen = false
  return handler
}

/** Lines handed to one parseMany call at most (a batch of read_lines_limit lines takes several). */
const BATCH_RANGES = 4096

const rangeBuffers = new WeakMap<ReadContext, Int32Array>()

/** The source's reusable `[start, end)` pairs for parseMany. */
function rangesFor(ctx: ReadContext): Int32Array {
  let ranges = rangeBuffers.get(ctx)
  if (ranges === undefined) {
    ranges = new Int32Array(2 * BATCH_RANGES)
    rangeBuffers.set(ctx, ranges)
  }
  return ranges
}

/**
 * The lines `bytes[ranges[2i], ranges[2i+1])`, `i < count`, into a line-at-a-time parser in one
 * call; what did not parse is reported line by line, in order, as `feedLine` does.
 */
function feedLines(
  w: TailWatcher,
  ctx: ReadContext,
  unmatched: UnmatchedHandler,
  bytes: Uint8Array,
  ranges: Int32Array,
  count: number,
  now: EventTime,
): void {
  const failed = (i: number, failure: ParseFailure) => {
    const line = bytes.subarray(ranges[2 * i], ranges[2 * i + 1])
    if (failure.kind === 'invalid') ctx.invalidLine(w, line, failure.reason)
    else for (let k = 0; k < failure.count; k++) unmatched.callback(line, failure.reason)
  }
  try {
    parseMany(ctx.parser, bytes, ranges, count, ctx.sink, now, failed)
  } catch (error) {
    ctx.log.warn('invalid line found', { path: w.path, error: String(error) })
  }
}

/** One line (`bytes[start, end)`, starting at file offset `offset`) into the parser. */
function feedLine(
  w: TailWatcher,
  ctx: ReadContext,
  unmatched: UnmatchedHandler,
  buf: Uint8Array,
  start: number,
  end: number,
  offset: number,
  now: EventTime,
): void {
  let bytes = buf
  let from = start
  let to = end
  if (ctx.options.transcode !== null) {
    bytes = ctx.options.transcode(buf, start, end)
    from = 0
    to = bytes.length
  }
  try {
    const stream = w.stream
    if (stream === null) {
      const appended = ctx.parser.parse(bytes, from, to, ctx.sink, now)
      const failure = failureOf(ctx.parser, appended)
      if (failure === null) return
      const line = bytes.subarray(from, to)
      if (failure.kind === 'invalid') ctx.invalidLine(w, line, failure.reason)
      else for (let i = 0; i < failure.count; i++) unmatched.callback(line, failure.reason)
      return
    }
    unmatched.seen = false
    const wasPending = stream.pending
    const records = stream.push(bytes, from, to, ctx.sink, now, unmatched.callback)
    w.lastLineMs = ctx.now()
    if (!stream.pending) w.heldStart = -1
    else if (!wasPending || w.heldStart < 0) w.heldStart = offset
    // A multiline stream holds one record: one that ended during this push was replaced by this line.
    // Other streams (cri, docker) may hold one per output stream, so an ended record says nothing
    // about the others: the position stays at the first held line until nothing is held.
    else if (ctx.singleRecordStream && (records > 0 || unmatched.seen)) w.heldStart = offset
  } catch (error) {
    ctx.log.warn('invalid line found', { path: w.path, error: String(error) })
  }
}

/**
 * Emits the batch in the sink (if any) and, once accepted, records the position: the end of the
 * consumed lines, held back to the start of a record a parser stream still holds, or to the start
 * of a too-long line being skipped. A rejected batch rewinds the file to its recorded position.
 */
export async function flushBatch(w: TailWatcher, ctx: ReadContext): Promise<boolean> {
  let pos = w.skipping ? w.skipFrom : w.lines.consumedOffset
  if (w.heldStart >= 0 && w.heldStart < pos) pos = w.heldStart
  if (ctx.sink.count > 0 && !(await ctx.emit(w))) {
    rewind(w, ctx)
    return false
  }
  if (pos > w.pe.pos) w.pe.updatePos(pos)
  return true
}

/** Emits what a parser stream holds (multiline_flush_interval, detach, shutdown). */
export async function flushStream(w: TailWatcher, ctx: ReadContext): Promise<boolean> {
  const stream = w.stream
  if (stream === null || !stream.pending) return true
  ctx.sink.setPath(w.path)
  stream.flush(ctx.sink, EventTime.now(ctx.now), unmatchedFor(ctx, w).callback)
  w.heldStart = -1
  return flushBatch(w, ctx)
}

/** After a rejected emit: forget what was read past the recorded position and read it again later. */
function rewind(w: TailWatcher, ctx: ReadContext): void {
  ctx.sink.discard()
  w.lines.reset(w.pe.pos, ctx.pool)
  w.skipping = false
  w.heldStart = -1
  w.eof = false
  if (w.stream !== null && ctx.parser.newStream !== undefined) w.stream = ctx.parser.newStream()
}

/**
 * Emits the unterminated last line of a file that left its path (sluice's choice; Fluentd drops it
 * at detach): no writer will end it any more.
 */
export async function emitPartialLine(w: TailWatcher, ctx: ReadContext): Promise<boolean> {
  const lines = w.lines
  if (w.skipping || lines.pending === 0) return true
  const s = lines.start
  const end = lines.end
  const view = new Uint8Array(lines.buf.buffer, lines.buf.byteOffset, end)
  const e = view[end - 1] === 13 ? end - 1 : end
  ctx.sink.setPath(w.path)
  feedLine(w, ctx, unmatchedFor(ctx, w), view, s, e, lines.base + s, EventTime.now(ctx.now))
  lines.start = end
  return flushBatch(w, ctx)
}
