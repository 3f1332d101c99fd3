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

// Route-table DFA: the state limit a table starts with (routesSetDfaLimit changes it) and the
// statistics routesDfaStat reports.
export const DFA_DEFAULT_STATES: i32 = 4096
export const DFA_STAT_STATES: i32 = 0
export const DFA_STAT_RESETS: i32 = 1
export const DFA_STAT_CLASSES: i32 = 2
export const DFA_STAT_LIMIT: i32 = 3
export const DFA_STAT_BYTES: i32 = 4
