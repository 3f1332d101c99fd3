/**
 * @module The TypeScript mirror of assembly/abi.ts: the core's export signatures, status codes and
 * table layouts. Keep the two files in step; `ABI_VERSION` guards against a stale build.
 */

export const ABI_VERSION = 4

export const STATUS_OK = 0
export const STATUS_NEED_MORE = 1
export const STATUS_FRAME_TOO_LARGE = 2
export const STATUS_INVALID = 3
export const STATUS_MORE = 4
export const STATUS_NO_MEMORY = 5
export const STATUS_TOO_DEEP = 6
export const STATUS_BAD_ARGUMENT = 7
/** grepEntries: a tested value has a type the core does not stringify (float, array, map, ext); nothing was written. */
export const STATUS_UNSUPPORTED = 8

/** Carrier modes (`M_MODE`), as wasm/types.ts `Mode` names them. */
export const MODE_MESSAGE = 0
export const MODE_FORWARD = 1
export const MODE_PACKED = 2
export const MODE_COMPRESSED = 3
export const MODE_HEARTBEAT = 4
export const MODE_NOT_ARRAY = 5

/** The `compressed` option (`M_COMPRESSED`), as wasm/types.ts `Compressed` names them. */
export const COMPRESSED_ABSENT = 0
export const COMPRESSED_TEXT = 1
export const COMPRESSED_GZIP = 2
export const COMPRESSED_ZSTD = 3
export const COMPRESSED_OTHER = 4

/** Why an entry is invalid (entry flag bits 8..15). */
export const REASON_TIME = 1
export const REASON_RECORD = 2
export const REASON_SHAPE = 3

export const MSG_TAG_VALID = 1
export const MSG_HAS_OPTIONS = 2
export const MSG_OPTIONS_INVALID = 4
export const MSG_HAS_SIZE = 8
export const MSG_HAS_CHUNK = 16

/** Entry flag bits; bits 8..15 hold the invalid reason (1 time, 2 record, 3 shape). */
export const ENTRY_INVALID = 1
export const ENTRY_TIME_INT = 2
export const ENTRY_TIME_META = 4

/** Message descriptor: 16 i32 words. */
export const MSG_WORDS = 16
export const M_START = 0
export const M_END = 1
export const M_MODE = 2
export const M_FLAGS = 3
export const M_TAG_START = 4
export const M_TAG_END = 5
export const M_ENTRIES_START = 6
export const M_ENTRIES_END = 7
export const M_SIZE = 8
export const M_CHUNK_START = 9
export const M_CHUNK_END = 10
export const M_COMPRESSED = 11
export const M_FIRST_ENTRY = 12
export const M_ENTRY_COUNT = 13
export const M_INVALID_COUNT = 14
export const M_FLUENT_SIGNAL = 15

/** Entry descriptor: 8 u32 words (the last is spare). */
export const ENTRY_WORDS = 8
export const E_SEC = 0
export const E_NSEC = 1
export const E_RECORD_START = 2
export const E_RECORD_END = 3
export const E_ENTRY_START = 4
export const E_ENTRY_END = 5
export const E_FLAGS = 6

/** Result block words. */
export const R_STATUS = 0
export const R_CONSUMED = 1
export const R_MESSAGE_COUNT = 2
export const R_NEED = 3
export const R_ERROR_OFFSET = 4
export const R_MESSAGES_PTR = 5
export const R_ENTRIES_PTR = 6
export const R_ENTRY_COUNT = 7
export const R_OUT_PTR = 8
export const R_OUT_LEN = 9
export const R_AUX_ENTRIES_PTR = 10
export const R_AUX_ENTRY_COUNT = 11
export const R_AUX_INVALID_COUNT = 12
export const R_ITEMS_PTR = 13
export const R_ITEM_COUNT = 14
export const R_JSON_ENTRY_COUNT = 15
/** Words in the result area (`resultPtr()`). */
export const RESULT_WORDS = 16

export const PACK_PACKED = 0
export const PACK_FORWARD = 1
export const PACK_MESSAGE = 2
export const PACK_OK = 0
export const PACK_FULL = 1
export const PACK_ENTRY_TOO_LARGE = 2
export const PACK_BAD_ARGUMENT = -1
export const PACK_NO_MEMORY = -2

export const ROUTE_NEED_REGEX = -2
export const ROUTE_BAD_TABLE = -3
export const ROUTE_NO_MEMORY = -4

// JSON transcoder (docs/core-abi.md §4).
export const JSON_TIME_FLOAT = 0
export const JSON_TIME_UNIXTIME = 1
export const JSON_TIME_DOUBLE = 2
export const JSON_KEEP_TIME_KEY = 1

export const FRAMING_VALUE = 0
export const FRAMING_LINES = 1
export const FRAMING_RANGES = 2

export const ITEM_OK = 0
export const ITEM_INVALID = 1
export const ITEM_TOO_DEEP = 2
export const ITEM_NOT_OBJECT = 3
export const ITEM_TOO_LARGE = 4
/** Never written by the core: the host marks items it refuses, then calls jsonCompact. */
export const ITEM_REJECTED = 5

/** Item descriptor: 16 u32 words; text positions are offsets from the text start, entry ones from the output start. */
export const ITEM_WORDS = 16
export const I_STATUS = 0
export const I_LINE = 1
export const I_INDEX = 2
export const I_ERROR_OFFSET = 3
export const I_SRC_START = 4
export const I_SRC_END = 5
export const I_ENTRY_START = 6
export const I_ENTRY_END = 7
export const I_SEC = 8
export const I_NSEC = 9
export const I_TIME = 10
export const I_TIME_START = 11
export const I_TIME_END = 12
export const I_RECORD_SIZE = 13

/** I_TIME: kind in bits 0..7, flags above. */
export const TIME_KIND_ABSENT = 0
export const TIME_KIND_INT = 1
export const TIME_KIND_FLOAT = 2
export const TIME_KIND_STRING = 3
export const TIME_KIND_NULL = 4
export const TIME_KIND_TRUE = 5
export const TIME_KIND_FALSE = 6
export const TIME_KIND_OBJECT = 7
export const TIME_KIND_ARRAY = 8
export const TIME_APPLIED = 0x100
export const TIME_OUT_OF_RANGE = 0x200
/** Route-table DFA: the default state limit (assembly/match/dfa.ts) and routesDfaStat's selectors. */
export const DFA_DEFAULT_STATES = 4096
export const DFA_STAT_STATES = 0
export const DFA_STAT_RESETS = 1
export const DFA_STAT_CLASSES = 2
export const DFA_STAT_LIMIT = 3
export const DFA_STAT_BYTES = 4

/** filter_grep's byte-literal program (assembly/grep/grep.ts, docs/core-abi.md §5). */
export const GREP_REGEXP_AND = 0
export const GREP_REGEXP_OR = 1
export const GREP_EXCLUDE_AND = 2
export const GREP_EXCLUDE_OR = 3
export const GREP_FOLD = 1
export const GREP_NIL_MATCHES = 2
export const GREP_TRUE_MATCHES = 4
export const GREP_FALSE_MATCHES = 8
export const GREP_LINE_START = 1
export const GREP_LINE_END = 2
export const GREP_TEXT_START = 4
export const GREP_TEXT_END = 8

/** The module's exports, as typed numbers. */
export interface CoreExports {
  memory: WebAssembly.Memory
  abiVersion(): number
  resultPtr(): number
  inputReserve(n: number): number
  auxReserve(n: number): number
  frame(start: number, len: number, maxFrame: number): number
  walkEntries(len: number): number
  grepEntries(len: number, programStart: number, programLen: number): number
  alloc(n: number): number
  free(ptr: number): void
  packerCreate(mode: number, timeAsInteger: number, byteLimit: number, entryLimit: number): number
  packerFree(h: number): void
  packerSetTag(h: number, ptr: number, len: number): number
  packerAppend(h: number, sec: number, nsec: number, recPtr: number, recLen: number): number
  packerAppendEntries(h: number, aux: number, from: number, count: number, nowSec: number, nowNsec: number): number
  packerSeal(h: number, chunkPtr: number, chunkLen: number): number
  packerCount(h: number): number
  packerBodyLen(h: number): number
  packerBodyPtr(h: number): number
  packerReset(h: number): void
  routesLoad(ptr: number, words: number): number
  routesFree(t: number): void
  routesLookup(t: number, tag: number, len: number): number
  routesLookupWithRegex(t: number, tag: number, len: number, bits: number): number
  routesSetDfaLimit(t: number, states: number): number
  routesDfaStat(t: number, which: number): number
  routeMatch(t: number, id: number): number
  routeFilterCount(t: number, id: number): number
  routeFilter(t: number, id: number, i: number): number
  jsonParserCreate(maxDepth: number, maxRecord: number, timeMode: number, flags: number): number
  jsonParserFree(h: number): void
  jsonParserSetTimeKey(h: number, ptr: number, len: number): number
  jsonParserSetExtras(h: number, ptr: number, len: number): number
  jsonRangesReserve(count: number): number
  jsonEntries(
    h: number,
    region: number,
    start: number,
    len: number,
    framing: number,
    rangeCount: number,
    nowSec: number,
    nowNsec: number,
  ): number
  jsonCompact(): number
  jsonValue(region: number, start: number, len: number, maxDepth: number): number
}
