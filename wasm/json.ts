/**
 * @module The bridge to the core's JSON → msgpack transcoder (docs/core-abi.md §4), in two layers
 * like the framer's:
 * - `JsonParser`, the hot path: a core handle with its settings (time key and mode, keep_time_key,
 *   limits, the extra pairs), `run` over text already in WASM memory (or `runBytes`, which copies
 *   it into the aux region first), then numbers read straight from the item table and a view of
 *   the entries — no object per item;
 * - `CoreJsonTranscoder`, the plain-object adapter (`JsonTranscoder`) the conformance suite
 *   compares with the reference (wasm/reference/json.ts).
 * Views of WASM memory are valid until the next core call.
 */

import * as abi from './abi.ts'
import type { Core } from './core.ts'
import type {
  ItemInfo,
  ItemStatus,
  JsonEntriesOptions,
  JsonEntriesOutcome,
  JsonFraming,
  JsonStatus,
  JsonTimeMode,
  JsonTranscoder,
  JsonValueOutcome,
  Range,
} from './types.ts'

const textEncoder = new TextEncoder()

export const DEFAULT_MAX_DEPTH = 512

export interface JsonParserOptions {
  /** Deepest nesting allowed, 1 … 100000 (default 512). */
  maxDepth?: number
  /** Most msgpack bytes of one record, extras included (default: no limit). */
  maxRecordBytes?: number
  /** The record key holding the event time (null / empty: none). */
  timeKey?: string | null
  /** How a numeric time becomes an EventTime (default 'float', Fluentd's json parser). */
  timeMode?: JsonTimeMode
  keepTimeKey?: boolean
}

const TIME_MODES = { float: abi.JSON_TIME_FLOAT, unixtime: abi.JSON_TIME_UNIXTIME, double: abi.JSON_TIME_DOUBLE } as const
const FRAMINGS = { value: abi.FRAMING_VALUE, lines: abi.FRAMING_LINES, ranges: abi.FRAMING_RANGES } as const

export class JsonError extends Error {}

interface HeldHandle {
  core: Core
  handle: number
}

const handleReclaimer = new FinalizationRegistry<HeldHandle>((held) => held.core.exports.jsonParserFree(held.handle))

/** A JSON parser handle in the core. One per user (a plugin instance); not shared across cores. */
export class JsonParser {
  private handle: number
  private scratch = 0
  private scratchCap = 0

  constructor(
    readonly core: Core,
    options: JsonParserOptions = {},
  ) {
    const maxRecord = options.maxRecordBytes === undefined || !Number.isFinite(options.maxRecordBytes) ? 0xffffffff : options.maxRecordBytes
    this.handle = core.exports.jsonParserCreate(
      options.maxDepth ?? DEFAULT_MAX_DEPTH,
      Math.min(maxRecord, 0xffffffff) >>> 0,
      TIME_MODES[options.timeMode ?? 'float'],
      options.keepTimeKey ? abi.JSON_KEEP_TIME_KEY : 0,
    )
    if (this.handle === 0) throw new JsonError(`bad JSON parser options: ${JSON.stringify(options)}`)
    handleReclaimer.register(this, { core, handle: this.handle }, this)
    const key = textEncoder.encode(options.timeKey ?? '')
    if (core.exports.jsonParserSetTimeKey(this.handle, this.stage(key), key.length) !== 0) throw new JsonError('core.wasm is out of memory')
  }

  /** Sets the msgpack `key value …` pairs appended to every record (null / empty: none). */
  setExtras(pairs: Uint8Array | null): void {
    const bytes = pairs ?? new Uint8Array(0)
    const n = this.core.exports.jsonParserSetExtras(this.handle, this.stage(bytes), bytes.length)
    if (n === -1) throw new JsonError('extras must be msgpack key/value pairs with str keys')
    if (n < 0) throw new JsonError('core.wasm is out of memory')
  }

  /**
   * Transcodes text already in WASM memory: `[start, start+len)` of region 0 (input) or 1 (aux).
   * Returns the status (abi.STATUS_*); the results are read with the methods below.
   */
  run(region: 0 | 1, start: number, len: number, framing: JsonFraming, nowSec: number, nowNsec: number, rangeCount = 0): number {
    const st = this.core.exports.jsonEntries(this.handle, region, start, len, FRAMINGS[framing], rangeCount, nowSec >>> 0, nowNsec >>> 0)
    if (st === abi.STATUS_NO_MEMORY) throw new JsonError('core.wasm is out of memory (JSON output)')
    if (st === abi.STATUS_BAD_ARGUMENT) throw new JsonError('JSON text or ranges outside the region')
    return st
  }

  /** Copies `text` into the aux region and transcodes it. */
  runBytes(text: Uint8Array, framing: JsonFraming, nowSec: number, nowNsec: number): number {
    this.core.aux(text)
    return this.run(1, 0, text.length, framing, nowSec, nowNsec)
  }

  /** Transcodes the host's ranges of `text` (FRAMING_RANGES). */
  runRanges(text: Uint8Array, ranges: readonly Range[], nowSec: number, nowNsec: number): number {
    this.core.aux(text)
    const ptr = this.core.exports.jsonRangesReserve(ranges.length)
    if (ptr === 0) throw new JsonError('core.wasm is out of memory')
    const w = new Uint32Array(this.core.exports.memory.buffer, ptr, ranges.length * 2)
    ranges.forEach(([s, e], i) => {
      w[i * 2] = s
      w[i * 2 + 1] = e
    })
    return this.run(1, 0, text.length, 'ranges', nowSec, nowNsec, ranges.length)
  }

  /** INVALID / TOO_DEEP ('value' framing): the offending offset; −1 otherwise. */
  get errorOffset(): number {
    return this.core.result(abi.R_ERROR_OFFSET)
  }

  get itemCount(): number {
    return this.core.result(abi.R_ITEM_COUNT)
  }

  /** Items that are entries (ITEM_OK). */
  get entryCount(): number {
    return this.core.result(abi.R_JSON_ENTRY_COUNT)
  }

  /**
   * The item table of the last run for loops over many items: item `i`'s word `field` is
   * `words[base + i * abi.ITEM_WORDS + field]` (an i32: read unsigned fields with `>>> 0`). Valid
   * until the next core call.
   */
  itemTable(): { words: Int32Array; base: number } {
    const words = this.core.i32()
    return { words, base: words[this.core.resultWordIndex(abi.R_ITEMS_PTR)] >> 2 }
  }

  /** Word `field` (abi.I_*) of item `i` of the last run. */
  item(i: number, field: number): number {
    const w = this.core.i32()[(this.core.result(abi.R_ITEMS_PTR) >> 2) + i * abi.ITEM_WORDS + field]
    return field === abi.I_ERROR_OFFSET || field === abi.I_INDEX ? w : w >>> 0
  }

  /** Marks item `i` as refused by the host; `compact()` then removes its entry. */
  reject(i: number): void {
    this.core.i32()[(this.core.result(abi.R_ITEMS_PTR) >> 2) + i * abi.ITEM_WORDS + abi.I_STATUS] = abi.ITEM_REJECTED
  }

  /** Removes the entries of items that are not OK; returns the new entries length. */
  compact(): number {
    return this.core.exports.jsonCompact()
  }

  /** Rewrites the EventTime of OK item `i` in place (e.g. a string time the host parsed), and its I_SEC / I_NSEC. */
  setTime(i: number, sec: number, nsec: number): void {
    const at = this.core.result(abi.R_OUT_PTR) + this.item(i, abi.I_ENTRY_START)
    const view = new DataView(this.core.exports.memory.buffer)
    view.setUint32(at + 3, sec >>> 0)
    view.setUint32(at + 7, nsec >>> 0)
    const { words, base } = this.itemTable()
    words[base + i * abi.ITEM_WORDS + abi.I_SEC] = sec | 0
    words[base + i * abi.ITEM_WORDS + abi.I_NSEC] = nsec | 0
  }

  /**
   * The msgpack map of OK item `i` (a view of WASM memory, valid until the next core call): what a
   * parser hands to an EntrySink's `appendEncoded` with `item(i, I_SEC)` / `item(i, I_NSEC)`.
   */
  recordView(i: number): Uint8Array {
    const out = this.core.result(abi.R_OUT_PTR)
    return this.core.u8().subarray(out + this.item(i, abi.I_ENTRY_START) + 11, out + this.item(i, abi.I_ENTRY_END))
  }

  /** The entries stream of the last run (a view of WASM memory, valid until the next core call). */
  entriesView(): Uint8Array {
    const ptr = this.core.result(abi.R_OUT_PTR)
    return this.core.u8().subarray(ptr, ptr + this.core.result(abi.R_OUT_LEN))
  }

  /** The entries stream of the last run, copied (an EventStream keeps it). */
  entries(): Uint8Array {
    return this.entriesView().slice()
  }

  free(): void {
    if (this.handle === 0) return
    handleReclaimer.unregister(this)
    this.core.exports.jsonParserFree(this.handle)
    this.core.exports.free(this.scratch)
    this.handle = 0
    this.scratch = 0
  }

  private stage(bytes: Uint8Array): number {
    if (bytes.length > this.scratchCap || this.scratch === 0) {
      this.core.exports.free(this.scratch)
      this.scratchCap = Math.max(64, bytes.length * 2)
      this.scratch = this.core.exports.alloc(this.scratchCap)
      if (this.scratch === 0) throw new JsonError('core.wasm is out of memory')
    }
    this.core.u8().set(bytes, this.scratch)
    return this.scratch
  }
}

/** The plain-object adapter over the core (tests and cold paths). */
export class CoreJsonTranscoder implements JsonTranscoder {
  constructor(private readonly core: Core) {}

  value(text: Uint8Array, maxDepth = DEFAULT_MAX_DEPTH): JsonValueOutcome {
    const core = this.core
    core.aux(text)
    const st = core.exports.jsonValue(1, 0, text.length, maxDepth)
    if (st === abi.STATUS_NO_MEMORY) throw new JsonError('core.wasm is out of memory (JSON output)')
    if (st === abi.STATUS_BAD_ARGUMENT) throw new JsonError(`bad arguments (maxDepth ${maxDepth})`)
    const ptr = core.result(abi.R_OUT_PTR)
    return {
      status: st as JsonStatus,
      errorOffset: core.result(abi.R_ERROR_OFFSET),
      bytes: core.u8().slice(ptr, ptr + core.result(abi.R_OUT_LEN)),
    }
  }

  entries(text: Uint8Array, options: JsonEntriesOptions): JsonEntriesOutcome {
    const parser = new JsonParser(this.core, options)
    try {
      if (options.extras) parser.setExtras(options.extras)
      const { sec, nsec } = options.now
      const st =
        options.framing === 'ranges'
          ? parser.runRanges(text, options.ranges ?? [], sec, nsec)
          : parser.runBytes(text, options.framing, sec, nsec)
      return { status: st as JsonStatus, errorOffset: parser.errorOffset, entries: parser.entries(), items: readItems(parser) }
    } finally {
      parser.free()
    }
  }
}

/** Every item of the parser's last run as plain objects. */
export function readItems(parser: JsonParser): ItemInfo[] {
  const items: ItemInfo[] = []
  const n = parser.itemCount
  for (let i = 0; i < n; i++) {
    const w = (field: number) => parser.item(i, field)
    const time = w(abi.I_TIME)
    items.push({
      status: w(abi.I_STATUS) as ItemStatus,
      line: w(abi.I_LINE),
      index: w(abi.I_INDEX),
      errorOffset: w(abi.I_ERROR_OFFSET),
      src: [w(abi.I_SRC_START), w(abi.I_SRC_END)],
      entry: [w(abi.I_ENTRY_START), w(abi.I_ENTRY_END)],
      sec: w(abi.I_SEC),
      nsec: w(abi.I_NSEC),
      time,
      timeText: (time & 0xff) === abi.TIME_KIND_ABSENT ? null : [w(abi.I_TIME_START), w(abi.I_TIME_END)],
      recordSize: w(abi.I_RECORD_SIZE),
    })
  }
  return items
}
