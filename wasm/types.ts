/**
 * @module The TypeScript-level view of the core's results, shared by the WebAssembly core's bridge
 * (wasm/core.ts) and the slow reference (wasm/reference/). Positions are offsets from the start of
 * the bytes that were passed in. The rules these describe are in docs/core-abi.md.
 */

/** Why framing stopped. */
export const FrameStatus = {
  OK: 0,
  NEED_MORE: 1,
  FRAME_TOO_LARGE: 2,
  INVALID: 3,
} as const
export type FrameStatus = (typeof FrameStatus)[keyof typeof FrameStatus]

/** The Forward protocol's carrier modes, plus the two kinds of top-level object that are not events. */
export const Mode = {
  MESSAGE: 0,
  FORWARD: 1,
  PACKED: 2,
  COMPRESSED: 3,
  HEARTBEAT: 4,
  NOT_ARRAY: 5,
} as const
export type Mode = (typeof Mode)[keyof typeof Mode]

/** The `compressed` option. */
export const Compressed = {
  ABSENT: 0,
  TEXT: 1,
  GZIP: 2,
  ZSTD: 3,
  OTHER: 4,
} as const
export type Compressed = (typeof Compressed)[keyof typeof Compressed]

/** Entry flag bits (bits 8..15 hold an InvalidReason). */
export const EntryFlag = {
  INVALID: 1,
  TIME_INT: 2,
  TIME_META: 4,
} as const

/** Why an entry is invalid (Fluentd's `invalid_event?`, plus shape errors). */
export const InvalidReason = {
  NONE: 0,
  TIME: 1,
  RECORD: 2,
  SHAPE: 3,
} as const
export type InvalidReason = (typeof InvalidReason)[keyof typeof InvalidReason]

/** A half-open byte range `[start, end)`. */
export type Range = readonly [start: number, end: number]

/** One event entry: its time and the byte ranges of its record and of the whole entry. */
export interface EntryInfo {
  sec: number
  nsec: number
  record: Range
  entry: Range
  /** EntryFlag bits; `(flags >> 8) & 0xff` is the InvalidReason. */
  flags: number
}

/** Options found in the message's option map. */
export interface OptionsInfo {
  /** The option element was present and a map. */
  present: boolean
  /** The option element was present but neither a map nor nil. */
  invalid: boolean
  size: number | null
  /** Range of the whole encoded `chunk` value, header included. */
  chunk: Range | null
  compressed: Compressed
  /** −1 when absent. */
  fluentSignal: number
}

/** One complete top-level message. */
export interface MessageInfo {
  start: number
  end: number
  mode: Mode
  /** The tag's str payload range, or null when element 0 is not a str (or absent). */
  tag: Range | null
  /** See docs/core-abi.md §1.2; `[start, start]` for HEARTBEAT and NOT_ARRAY. */
  entries: Range
  options: OptionsInfo
  /** Described entries (none for COMPRESSED, HEARTBEAT, NOT_ARRAY). */
  events: EntryInfo[]
}

/** What `frame` found in a run of bytes. */
export interface FrameOutcome {
  status: FrameStatus
  /** Bytes consumed by the reported messages. */
  consumed: number
  messages: MessageInfo[]
  /** NEED_MORE: a lower bound of the pending message's length, counted from `consumed`. 0 otherwise. */
  need: number
  /** INVALID: offset of the offending header byte. −1 otherwise. */
  errorOffset: number
}

/** What `walkEntries` found in an inflated PackedForward payload. */
export interface WalkOutcome {
  status: typeof FrameStatus.OK | typeof FrameStatus.INVALID
  events: EntryInfo[]
  errorOffset: number
}

/** The framing contract both implementations satisfy. */
export interface Framer {
  frame(bytes: Uint8Array, maxFrame?: number): FrameOutcome
  walkEntries(bytes: Uint8Array): WalkOutcome
}

/** One rule of a route table: a `<filter>` or `<match>` directive's patterns. */
export interface RouteRule {
  kind: 'filter' | 'match'
  /** The directive's argument as written (whitespace-separated alternatives); empty means `**`. */
  pattern: string
}

/** The route a tag takes: the filters that run, in order, and the match that catches it (−1: none). */
export interface Route {
  match: number
  filters: number[]
}

/** A compiled route table. */
export interface RouteTable {
  lookup(tag: Uint8Array | string): Route
  /** Releases what the table holds (the core's memory); the table is unusable afterwards. */
  free?(): void
}

/** The matching contract both implementations satisfy. */
export interface Matcher {
  compile(rules: readonly RouteRule[]): RouteTable
}

// ---- JSON → msgpack (docs/core-abi.md §4) ----------------------------------------------------

/** Why a JSON call stopped (the whole text). */
export const JsonStatus = {
  OK: 0,
  INVALID: 3,
  TOO_DEEP: 6,
} as const
export type JsonStatus = (typeof JsonStatus)[keyof typeof JsonStatus]

/** One item's fate. REJECTED is set by hosts, never by a transcoder. */
export const ItemStatus = {
  OK: 0,
  INVALID: 1,
  TOO_DEEP: 2,
  NOT_OBJECT: 3,
  TOO_LARGE: 4,
  REJECTED: 5,
} as const
export type ItemStatus = (typeof ItemStatus)[keyof typeof ItemStatus]

/** The kind of a record's time value (bits 0..7 of `ItemInfo.time`). */
export const TimeKind = {
  ABSENT: 0,
  INT: 1,
  FLOAT: 2,
  STRING: 3,
  NULL: 4,
  TRUE: 5,
  FALSE: 6,
  OBJECT: 7,
  ARRAY: 8,
} as const
export type TimeKind = (typeof TimeKind)[keyof typeof TimeKind]

/** Flags of `ItemInfo.time` above the kind. */
export const TimeFlag = {
  /** The entry's EventTime came from the value. */
  APPLIED: 0x100,
  /** A number outside [0, 2^32) seconds: the entry has "now". */
  OUT_OF_RANGE: 0x200,
} as const

/** How a record's numeric time value becomes an EventTime (docs/core-abi.md §4.3). */
export type JsonTimeMode = 'float' | 'unixtime' | 'double'

/** How the text is cut into units: the whole text, LF-separated lines, or the caller's ranges. */
export type JsonFraming = 'value' | 'lines' | 'ranges'

export interface JsonValueOutcome {
  status: JsonStatus
  /** INVALID / TOO_DEEP: offset of the offending byte (or the text's end); −1 otherwise. */
  errorOffset: number
  /** The msgpack value (empty unless OK). */
  bytes: Uint8Array
}

export interface JsonEntriesOptions {
  framing: JsonFraming
  /** For 'ranges': [start, end) offsets into the text. */
  ranges?: readonly Range[]
  /** Deepest nesting allowed (default 512). */
  maxDepth?: number
  /** Most msgpack bytes of one record, extras included (default: no limit). */
  maxRecordBytes?: number
  /** The record key holding the time (null / empty: none). */
  timeKey?: string | null
  timeMode?: JsonTimeMode
  keepTimeKey?: boolean
  /** msgpack `key value …` pairs appended to every record (last wins over the record's own keys). */
  extras?: Uint8Array
  /** The time of records without a usable time. */
  now: { sec: number; nsec: number }
}

/** One item of an entries call. Text positions are offsets into the text; `entry` into `entries`. */
export interface ItemInfo {
  status: ItemStatus
  /** 1 for 'value', the line number for 'lines', the range number (from 1) for 'ranges'. */
  line: number
  /** Position in the top-level array, or −1. */
  index: number
  /** INVALID / TOO_DEEP: offset of the offending byte; −1 otherwise. */
  errorOffset: number
  /** The item's JSON text (a failed unit: the whole unit). */
  src: Range
  /** The entry `[EventTime, record]` in `entries` (empty unless OK). */
  entry: Range
  sec: number
  nsec: number
  /** TimeKind | TimeFlag bits. */
  time: number
  /** The time value's JSON text (null when absent or no time key). */
  timeText: Range | null
  /** The record's msgpack size (extras included). */
  recordSize: number
}

export interface JsonEntriesOutcome {
  /** 'value' framing: the whole text's status; OK otherwise. */
  status: JsonStatus
  errorOffset: number
  /** Concatenated `[EventTime, record]` entries of the OK items. */
  entries: Uint8Array
  items: ItemInfo[]
}

/** The JSON transcoding contract both implementations satisfy. */
export interface JsonTranscoder {
  value(text: Uint8Array, maxDepth?: number): JsonValueOutcome
  entries(text: Uint8Array, options: JsonEntriesOptions): JsonEntriesOutcome
}
