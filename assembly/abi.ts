/**
 * @module The numbers that cross the ABI: status codes, modes, flags and the layouts of the tables
 * the core writes. Mirrored by wasm/abi.ts; the rules behind them are in docs/core-abi.md.
 */

// Framing statuses.
export const STATUS_OK: i32 = 0
export const STATUS_NEED_MORE: i32 = 1
export const STATUS_FRAME_TOO_LARGE: i32 = 2
export const STATUS_INVALID: i32 = 3
/** Framing stopped early because the call's batch is full; call again from `consumed`. */
export const STATUS_MORE: i32 = 4
/** A table could not grow: linear memory is exhausted. */
export const STATUS_NO_MEMORY: i32 = 5
/** JSON: a container nests deeper than the parser's limit (errorOffset: its bracket). */
export const STATUS_TOO_DEEP: i32 = 6
/** A call's arguments are out of range (a region too small, a bad handle setting). */
export const STATUS_BAD_ARGUMENT: i32 = 7
/** grepEntries: a tested value has a type the core does not stringify (float, array, map, ext); nothing was written. */
export const STATUS_UNSUPPORTED: i32 = 8

// Modes.
export const MODE_MESSAGE: i32 = 0
export const MODE_FORWARD: i32 = 1
export const MODE_PACKED: i32 = 2
export const MODE_COMPRESSED: i32 = 3
export const MODE_HEARTBEAT: i32 = 4
export const MODE_NOT_ARRAY: i32 = 5

// `compressed` option values.
export const COMPRESSED_ABSENT: i32 = 0
export const COMPRESSED_TEXT: i32 = 1
export const COMPRESSED_GZIP: i32 = 2
export const COMPRESSED_ZSTD: i32 = 3
export const COMPRESSED_OTHER: i32 = 4

// Message flags.
export const MSG_TAG_VALID: i32 = 1
export const MSG_HAS_OPTIONS: i32 = 2
export const MSG_OPTIONS_INVALID: i32 = 4
export const MSG_HAS_SIZE: i32 = 8
export const MSG_HAS_CHUNK: i32 = 16

// Entry flags; bits 8..15 hold the invalid reason.
export const ENTRY_INVALID: i32 = 1
export const ENTRY_TIME_INT: i32 = 2
export const ENTRY_TIME_META: i32 = 4
export const REASON_TIME: i32 = 1
export const REASON_RECORD: i32 = 2
export const REASON_SHAPE: i32 = 3

/** Message descriptor: 16 i32 words. Positions are memory addresses. */
export const MSG_WORDS: i32 = 16
export const M_START: i32 = 0
export const M_END: i32 = 1
export const M_MODE: i32 = 2
export const M_FLAGS: i32 = 3
export const M_TAG_START: i32 = 4
export const M_TAG_END: i32 = 5
export const M_ENTRIES_START: i32 = 6
export const M_ENTRIES_END: i32 = 7
export const M_SIZE: i32 = 8
export const M_CHUNK_START: i32 = 9
export const M_CHUNK_END: i32 = 10
export const M_COMPRESSED: i32 = 11
export const M_FIRST_ENTRY: i32 = 12
export const M_ENTRY_COUNT: i32 = 13
export const M_INVALID_COUNT: i32 = 14
export const M_FLUENT_SIGNAL: i32 = 15

/** Entry descriptor: 8 u32 words (the last is spare). Positions are memory addresses. */
export const ENTRY_WORDS: i32 = 8
export const E_SEC: i32 = 0
export const E_NSEC: i32 = 1
export const E_RECORD_START: i32 = 2
export const E_RECORD_END: i32 = 3
export const E_ENTRY_START: i32 = 4
export const E_ENTRY_END: i32 = 5
export const E_FLAGS: i32 = 6

/** The result block: i32 words at `resultPtr()`, written by every call that reports. */
export const R_STATUS: i32 = 0
export const R_CONSUMED: i32 = 1
export const R_MESSAGE_COUNT: i32 = 2
export const R_NEED: i32 = 3
export const R_ERROR_OFFSET: i32 = 4
export const R_MESSAGES_PTR: i32 = 5
export const R_ENTRIES_PTR: i32 = 6
export const R_ENTRY_COUNT: i32 = 7
export const R_OUT_PTR: i32 = 8
export const R_OUT_LEN: i32 = 9
export const R_AUX_ENTRIES_PTR: i32 = 10
export const R_AUX_ENTRY_COUNT: i32 = 11
export const R_AUX_INVALID_COUNT: i32 = 12
/** JSON calls: the item table, its length, and how many items are entries (ITEM_OK). */
export const R_ITEMS_PTR: i32 = 13
export const R_ITEM_COUNT: i32 = 14
export const R_JSON_ENTRY_COUNT: i32 = 15
export const RESULT_WORDS: i32 = 16

// Packer.
export const PACK_PACKED: i32 = 0
export const PACK_FORWARD: i32 = 1
export const PACK_MESSAGE: i32 = 2
export const PACK_OK: i32 = 0
export const PACK_FULL: i32 = 1
export const PACK_ENTRY_TOO_LARGE: i32 = 2
export const PACK_BAD_ARGUMENT: i32 = -1
export const PACK_NO_MEMORY: i32 = -2

// Routes.
export const ROUTE_NEED_REGEX: i32 = -2
export const ROUTE_BAD_TABLE: i32 = -3
export const ROUTE_NO_MEMORY: i32 = -4

// JSON transcoder (docs/core-abi.md §4).
export const JSON_TIME_FLOAT: i32 = 0
export const JSON_TIME_UNIXTIME: i32 = 1
export const JSON_TIME_DOUBLE: i32 = 2
export const JSON_KEEP_TIME_KEY: i32 = 1

export const FRAMING_VALUE: i32 = 0
export const FRAMING_LINES: i32 = 1
export const FRAMING_RANGES: i32 = 2

/** Item statuses. ITEM_REJECTED is never written by the core: the host marks items it refuses. */
export const ITEM_OK: u32 = 0
export const ITEM_INVALID: u32 = 1
export const ITEM_TOO_DEEP: u32 = 2
export const ITEM_NOT_OBJECT: u32 = 3
export const ITEM_TOO_LARGE: u32 = 4
export const ITEM_REJECTED: u32 = 5

/** Item descriptor: 16 u32 words. Text positions are offsets from the text start, entry ones from the output start. */
export const ITEM_WORDS: i32 = 16
export const I_STATUS: i32 = 0
export const I_LINE: i32 = 1
export const I_INDEX: i32 = 2
export const I_ERROR_OFFSET: i32 = 3
export const I_SRC_START: i32 = 4
export const I_SRC_END: i32 = 5
export const I_ENTRY_START: i32 = 6
export const I_ENTRY_END: i32 = 7
export const I_SEC: i32 = 8
export const I_NSEC: i32 = 9
export const I_TIME: i32 = 10
export const I_TIME_START: i32 = 11
export const I_TIME_END: i32 = 12
export const I_RECORD_SIZE: i32 = 13

/** I_TIME: the time value's kind in bits 0..7, flags above. */
export const TIME_KIND_ABSENT: u32 = 0
export const TIME_KIND_INT: u32 = 1
export const TIME_KIND_FLOAT: u32 = 2
export const TIME_KIND_STRING: u32 = 3
export const TIME_KIND_NULL: u32 = 4
export const TIME_KIND_TRUE: u32 = 5
export const TIME_KIND_FALSE: u32 = 6
export const TIME_KIND_OBJECT: u32 = 7
export const TIME_KIND_ARRAY: u32 = 8
export const TIME_APPLIED: u32 = 0x100
export const TIME_OUT_OF_RANGE: u32 = 0x200
// Route-table DFA: the state limit a table starts with (routesSetDfaLimit changes it) and the
// statistics routesDfaStat reports.
export const DFA_DEFAULT_STATES: i32 = 4096
export const DFA_STAT_STATES: i32 = 0
export const DFA_STAT_RESETS: i32 = 1
export const DFA_STAT_CLASSES: i32 = 2
export const DFA_STAT_LIMIT: i32 = 3
export const DFA_STAT_BYTES: i32 = 4
// filter_grep's byte-literal program (assembly/grep/grep.ts, docs/core-abi.md §5).
export const GREP_REGEXP_AND: i32 = 0
export const GREP_REGEXP_OR: i32 = 1
export const GREP_EXCLUDE_AND: i32 = 2
export const GREP_EXCLUDE_OR: i32 = 3
/** Condition flags: ASCII case folding (literals are lowercase), and the outcomes for nil (or a missing field), true, false. */
export const GREP_FOLD: i32 = 1
export const GREP_NIL_MATCHES: i32 = 2
export const GREP_TRUE_MATCHES: i32 = 4
export const GREP_FALSE_MATCHES: i32 = 8
/** Alternative anchors: JS `m`-mode `^` / `$` (after / before \n, \r, U+2028, U+2029, or the text's edge), text start / end. */
export const GREP_LINE_START: i32 = 1
export const GREP_LINE_END: i32 = 2
export const GREP_TEXT_START: i32 = 4
export const GREP_TEXT_END: i32 = 8
