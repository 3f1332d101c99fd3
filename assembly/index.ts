/**
 * @module The core's whole ABI: thin exports that delegate to the framer, the entry walker, the
 * packer and the route tables. Numbers only; who owns which bytes is said at each export.
 * docs/core-abi.md is the contract; wasm/core.ts is the TypeScript side.
 *
 * Memory ownership, in one place:
 * - The input region (`inputReserve`) and the aux region (`auxReserve`) belong to the host
 *   between calls; their contents are not kept across a reserve that grows them.
 * - The result block (`resultPtr`, RESULT_WORDS i32) is rewritten by every frame, walk, append
 *   and seal call.
 * - Message and entry tables are owned by the core; they are valid until the next `frame`
 *   (main table) or `walkEntries` / `grepEntries` (aux table) call. `grepEntries` also rewrites
 *   the aux region in place (the kept entries move to its front). Their positions are addresses into the
 *   input or aux region, valid as long as that region's contents are.
 * - A sealed message lives in its packer's buffer until the next call on that packer.
 * - The JSON output region and item table (`jsonValue`, `jsonEntries`, `jsonCompact`) are owned by
 *   the core and valid until the next JSON call; the JSON text is read where the host put it (the
 *   input or the aux region) and never written.
 * - Any call may grow memory: the host re-makes its views when `memory.buffer` changes.
 */

import {
  RESULT_WORDS, R_STATUS, R_CONSUMED, R_MESSAGE_COUNT, R_NEED, R_ERROR_OFFSET, R_MESSAGES_PTR,
  R_ENTRIES_PTR, R_ENTRY_COUNT, R_OUT_PTR, R_OUT_LEN, R_AUX_ENTRIES_PTR, R_AUX_ENTRY_COUNT,
  R_AUX_INVALID_COUNT, R_ITEMS_PTR, R_ITEM_COUNT, R_JSON_ENTRY_COUNT, STATUS_OK, STATUS_INVALID,
  STATUS_NO_MEMORY, STATUS_TOO_DEEP, STATUS_BAD_ARGUMENT, MSG_WORDS, PACK_OK, FRAMING_VALUE,
  FRAMING_RANGES, JSON_KEEP_TIME_KEY, STATUS_UNSUPPORTED,
} from './abi'
import * as allocator from './util/alloc'
import * as entries from './forward/entries'
import * as framer from './forward/framer'
import * as reader from './msgpack/reader'
import * as packer from './batch/packer'
import * as routes from './match/route-table'
import * as jsonOut from './json/output'
import * as jsonValueParser from './json/value'
import * as jsonEntriesRun from './json/entries'
import * as jsonParser from './json/parser'
import * as grep from './grep/grep'

/** Bumped whenever the ABI changes; the host checks it. */
export const ABI_VERSION: i32 = 4

export function abiVersion(): i32 {
  return ABI_VERSION
}

const result = memory.data(RESULT_WORDS * 4, 16)

@inline function put(word: i32, value: i32): void {
  store<i32>(result + (<usize>word << 2), value)
}

/** The address of the result block. */
export function resultPtr(): usize {
  return result
}

let inputPtr: usize = 0
let auxPtr: usize = 0
let mainEntries: usize = 0
let mainEntriesCap: u32 = 0
let auxEntries: usize = 0
let auxEntriesCap: u32 = 0

/** Makes the input region at least `n` bytes; returns its address (0: no memory). Contents are not kept when it moves. */
export function inputReserve(n: u32): usize {
  const next = allocator.grow(inputPtr, n == 0 ? 1 : n, 0)
  if (next != 0) inputPtr = next
  return next
}

/** Makes the aux region (inflated payloads) at least `n` bytes; returns its address (0: no memory). */
export function auxReserve(n: u32): usize {
  const next = allocator.grow(auxPtr, n == 0 ? 1 : n, 0)
  if (next != 0) auxPtr = next
  return next
}

/**
 * Frames the input region's bytes `[start, len)`. Returns the status; the result block holds
 * consumed (offset), messageCount, need, errorOffset (offset), and the message and entry tables.
 * STATUS_MORE: the batch is full, handle it and call again from `consumed`.
 */
export function frame(start: u32, len: u32, maxFrame: u32): i32 {
  if (framer.messagesPtr == 0) {
    framer.messagesPtr = allocator.alloc(<usize>framer.MAX_MESSAGES * MSG_WORDS * 4)
    if (framer.messagesPtr == 0) {
      put(R_STATUS, STATUS_NO_MEMORY)
      return STATUS_NO_MEMORY
    }
  }
  entries.useTable(mainEntries, mainEntriesCap, 0)
  const st = framer.frameRun(inputPtr, start, len, maxFrame == 0 ? 0xffff_ffff : maxFrame)
  mainEntries = entries.tablePtr
  mainEntriesCap = entries.tableCap
  put(R_STATUS, st)
  put(R_CONSUMED, <i32>framer.resultConsumed)
  put(R_MESSAGE_COUNT, <i32>framer.messageCount)
  put(R_NEED, framer.resultNeed > 0x7fff_ffff ? 0x7fff_ffff : <i32>framer.resultNeed)
  put(R_ERROR_OFFSET, st == STATUS_INVALID ? <i32>framer.resultErrorOffset : -1)
  put(R_MESSAGES_PTR, <i32>framer.messagesPtr)
  put(R_ENTRIES_PTR, <i32>mainEntries)
  put(R_ENTRY_COUNT, <i32>entries.tableCount)
  return st
}

/**
 * Walks the aux region's `[0, len)` as a PackedForward entry stream (an inflated
 * CompressedPackedForward payload) into the aux entry table. Returns STATUS_OK or STATUS_INVALID
 * (errorOffset is then an offset into the aux region).
 */
export function walkEntries(len: u32): i32 {
  entries.useTable(auxEntries, auxEntriesCap, 0)
  const ok = entries.walkRegion(auxPtr, auxPtr + len)
  auxEntries = entries.tablePtr
  auxEntriesCap = entries.tableCap
  const st = entries.outOfMemory ? STATUS_NO_MEMORY : ok ? STATUS_OK : STATUS_INVALID
  put(R_STATUS, st)
  put(R_ERROR_OFFSET, st == STATUS_INVALID ? <i32>(reader.errorOffset - auxPtr) : -1)
  put(R_AUX_ENTRIES_PTR, <i32>auxEntries)
  put(R_AUX_ENTRY_COUNT, ok ? <i32>entries.tableCount : 0)
  put(R_AUX_INVALID_COUNT, ok ? <i32>entries.tableInvalid : 0)
  return st
}

/**
 * filter_grep's pass (docs/core-abi.md §5): walks the aux region's `[0, len)` as an entry stream
 * like `walkEntries`, runs the program at aux offset `programStart` (`programLen` bytes, 4-aligned)
 * on every valid entry, and moves the kept entries to the front of the aux region and their rows
 * to the front of the aux table, positions as offsets from the aux region's start. Results:
 * R_OUT_PTR / R_OUT_LEN the kept bytes, R_AUX_ENTRIES_PTR / R_AUX_ENTRY_COUNT the kept rows,
 * R_AUX_INVALID_COUNT the rows removed (dropped or invalid). Status OK; INVALID (errorOffset);
 * UNSUPPORTED (a value the program cannot test: the region is unchanged, the host decides);
 * NO_MEMORY; BAD_ARGUMENT (the program is outside the region).
 */
export function grepEntries(len: u32, programStart: u32, programLen: u32): i32 {
  put(R_OUT_PTR, <i32>auxPtr)
  put(R_OUT_LEN, 0)
  put(R_AUX_ENTRY_COUNT, 0)
  put(R_AUX_INVALID_COUNT, 0)
  if (auxPtr == 0 || programLen < 4 || (programStart & 3) != 0 || programStart < len || <u64>programStart + <u64>programLen > <u64>allocator.capacityOf(auxPtr)) {
    put(R_STATUS, STATUS_BAD_ARGUMENT)
    put(R_ERROR_OFFSET, -1)
    return STATUS_BAD_ARGUMENT
  }
  entries.useTable(auxEntries, auxEntriesCap, 0)
  const outcome = grep.walkAndRun(auxPtr + <usize>programStart, auxPtr, auxPtr + len)
  auxEntries = entries.tablePtr
  auxEntriesCap = entries.tableCap
  put(R_AUX_ENTRIES_PTR, <i32>auxEntries)
  if (outcome == grep.WALK_FAILED) {
    const st = entries.outOfMemory ? STATUS_NO_MEMORY : STATUS_INVALID
    put(R_STATUS, st)
    put(R_ERROR_OFFSET, st == STATUS_INVALID ? <i32>(reader.errorOffset - auxPtr) : -1)
    return st
  }
  if (outcome == grep.UNSUPPORTED_VALUE) {
    put(R_STATUS, STATUS_UNSUPPORTED)
    put(R_ERROR_OFFSET, -1)
    return STATUS_UNSUPPORTED
  }
  const rows = entries.tableCount
  put(R_STATUS, STATUS_OK)
  put(R_ERROR_OFFSET, -1)
  put(R_OUT_LEN, <i32>grep.keptBytes)
  put(R_AUX_ENTRY_COUNT, <i32>grep.keptRows)
  put(R_AUX_INVALID_COUNT, <i32>(rows - grep.keptRows))
  return STATUS_OK
}

/** General-purpose blocks for configuration-time data (route table blobs, tags). */
export function alloc(n: u32): usize {
  return allocator.alloc(n)
}

export function free(ptr: usize): void {
  allocator.free(ptr)
}

// ---- Packer ---------------------------------------------------------------------------------

/** mode: 0 PackedForward, 1 Forward, 2 Message. Returns a handle, or 0 for bad arguments. */
export function packerCreate(mode: i32, timeAsInteger: i32, byteLimit: u32, entryLimit: u32): usize {
  return packer.packerCreate(mode, timeAsInteger, byteLimit, entryLimit)
}

export function packerFree(h: usize): void {
  packer.packerFree(h)
}

/** Copies the tag from `[ptr, ptr+len)`; only while the packer is empty. */
export function packerSetTag(h: usize, ptr: usize, len: u32): i32 {
  return packer.packerSetTag(h, ptr, len)
}

/** Appends one entry whose record bytes are at `[recPtr, recPtr+recLen)` (copied). */
export function packerAppend(h: usize, sec: u32, nsec: u32, recPtr: usize, recLen: u32): i32 {
  return packer.packerAppend(h, sec, nsec, recPtr, recLen)
}

/**
 * Appends entries `[from, from+count)` of the main (`aux` = 0) or aux (1) entry table, skipping
 * invalid ones and replacing time 0 by `now`. Returns how many were consumed; R_STATUS says why it
 * stopped early.
 */
export function packerAppendEntries(h: usize, aux: i32, from: u32, count: u32, nowSec: u32, nowNsec: u32): u32 {
  const n = packer.packerAppendEntries(h, aux != 0 ? auxEntries : mainEntries, from, count, nowSec, nowNsec)
  put(R_STATUS, packer.lastStatus)
  return n
}

/** Seals into one message at R_OUT_PTR / R_OUT_LEN (valid until the next call on this packer). */
export function packerSeal(h: usize, chunkPtr: usize, chunkLen: u32): i32 {
  const n = packer.packerSeal(h, chunkPtr, chunkLen)
  put(R_STATUS, n >= 0 ? PACK_OK : n)
  put(R_OUT_PTR, <i32>packer.outPtr)
  put(R_OUT_LEN, <i32>packer.outLen)
  return n
}

export function packerCount(h: usize): u32 { return packer.packerCount(h) }
export function packerBodyLen(h: usize): u32 { return packer.packerBodyLen(h) }
export function packerBodyPtr(h: usize): usize { return packer.packerBodyPtr(h) }
export function packerReset(h: usize): void { packer.packerReset(h) }

// ---- Routes ---------------------------------------------------------------------------------

/** Loads a compiled route table (`words` i32 at `ptr`, copied). Returns a handle or a negative code. */
export function routesLoad(ptr: usize, words: u32): i32 { return routes.routesLoad(ptr, words) }
export function routesFree(t: usize): void { routes.routesFree(t) }
/** Tag bytes at `[tag, tag+len)`: route id ≥ 0, or ROUTE_NEED_REGEX (−2), or a negative error. */
export function routesLookup(t: usize, tag: usize, len: u32): i32 { return routes.routesLookup(t, tag, len) }
export function routesLookupWithRegex(t: usize, tag: usize, len: u32, bits: usize): i32 {
  return routes.routesLookupWithRegex(t, tag, len, bits)
}
/** The most states the table's DFA may hold; 0 turns it off (misses run the NFA). Returns the limit in force. */
export function routesSetDfaLimit(t: usize, states: u32): i32 { return routes.routesSetDfaLimit(t, states) }
/** A DFA statistic: DFA_STAT_STATES, _RESETS, _CLASSES, _LIMIT, _BYTES (assembly/abi.ts). */
export function routesDfaStat(t: usize, which: i32): i32 { return routes.routesDfaStat(t, which) }
export function routeMatch(t: usize, id: u32): i32 { return routes.routeMatch(t, id) }
export function routeFilterCount(t: usize, id: u32): i32 { return routes.routeFilterCount(t, id) }
export function routeFilter(t: usize, id: u32, i: u32): i32 { return routes.routeFilter(t, id, i) }

// ---- JSON → msgpack -------------------------------------------------------------------------

let rangesPtr: usize = 0

/** The text `[start, start+len)` of region 0 (input) or 1 (aux) as an address, or 0 when it does not fit the region. */
function textAt(region: i32, start: u32, len: u32): usize {
  const base = region == 0 ? inputPtr : region == 1 ? auxPtr : 0
  if (base == 0) return 0
  if (<u64>start + <u64>len > <u64>allocator.capacityOf(base)) return 0
  return base + <usize>start
}

function jsonResult(status: i32, errorOffset: i32, outLen: usize): i32 {
  put(R_STATUS, status)
  put(R_ERROR_OFFSET, errorOffset)
  put(R_OUT_PTR, <i32>jsonOut.outBase)
  put(R_OUT_LEN, <i32>outLen)
  put(R_ITEMS_PTR, <i32>jsonEntriesRun.items)
  put(R_ITEM_COUNT, <i32>jsonEntriesRun.itemCount)
  put(R_JSON_ENTRY_COUNT, <i32>jsonEntriesRun.entryCount)
  return status
}

/**
 * A JSON parser handle (docs/core-abi.md §4): `maxDepth` 1 … 100000, `maxRecord` the most msgpack
 * bytes of one record (0xffffffff: no limit), `timeMode` JSON_TIME_*, `flags` JSON_KEEP_TIME_KEY.
 * Returns the handle, or 0 for bad arguments / no memory.
 */
export function jsonParserCreate(maxDepth: u32, maxRecord: u32, timeMode: i32, flags: i32): usize {
  return jsonParser.create(maxDepth, maxRecord, timeMode, flags)
}

export function jsonParserFree(h: usize): void {
  jsonParser.destroy(h)
}

/** The record key holding the event time (`[ptr, ptr+len)`, copied; empty: none). 0, or −1 (no memory). */
export function jsonParserSetTimeKey(h: usize, ptr: usize, len: u32): i32 {
  return jsonParser.setTimeKey(h, ptr, len)
}

/**
 * Pairs appended to every record by `jsonEntries` (msgpack `key value …`, str keys; copied; empty:
 * none). Returns the pair count, −1 for malformed bytes, −2 for no memory.
 */
export function jsonParserSetExtras(h: usize, ptr: usize, len: u32): i32 {
  return jsonParser.setExtras(h, ptr, len)
}

/** Room for `count` [start, end) u32 pairs for FRAMING_RANGES; returns its address (0: no memory). Valid until the next call. */
export function jsonRangesReserve(count: u32): usize {
  const p = allocator.grow(rangesPtr, count == 0 ? 8 : <usize>count << 3, 0)
  if (p != 0) rangesPtr = p
  return p
}

/**
 * JSON text `[start, start+len)` of region 0 (input) / 1 (aux) → PackedForward entries in the
 * JSON output region plus the item table (docs/core-abi.md §4.2). `framing`: FRAMING_VALUE,
 * FRAMING_LINES, or FRAMING_RANGES with `rangeCount` pairs from `jsonRangesReserve`. Records
 * without a usable time get (nowSec, nowNsec). Status: OK; INVALID / TOO_DEEP (FRAMING_VALUE only:
 * the whole text, errorOffset from the text start); NO_MEMORY; BAD_ARGUMENT.
 */
export function jsonEntries(h: usize, region: i32, start: u32, len: u32, framing: i32, rangeCount: u32, nowSec: u32, nowNsec: u32): i32 {
  jsonEntriesRun.configure(0, 0, false, 0xffff_ffff, nowSec, nowNsec)
  const text = textAt(region, start, len)
  if (h == 0 || (text == 0 && len > 0) || framing < FRAMING_VALUE || framing > FRAMING_RANGES) return jsonResult(STATUS_BAD_ARGUMENT, -1, 0)
  if (framing == FRAMING_RANGES) {
    if (rangeCount > 0 && rangesPtr == 0) return jsonResult(STATUS_BAD_ARGUMENT, -1, 0)
    for (let r: u32 = 0; r < rangeCount; r++) {
      const s = load<u32>(rangesPtr + (<usize>r << 3))
      const e = load<u32>(rangesPtr + (<usize>r << 3) + 4)
      if (s > e || e > len || <usize>rangeCount << 3 > allocator.capacityOf(rangesPtr)) return jsonResult(STATUS_BAD_ARGUMENT, -1, 0)
    }
  }
  const keyLen = jsonParser.keyLenOf(h)
  jsonValueParser.setMaxDepth(<i32>jsonParser.maxDepthOf(h))
  jsonValueParser.setRecordMode(
    jsonParser.keyOf(h),
    keyLen,
    (jsonParser.flagsOf(h) & JSON_KEEP_TIME_KEY) != 0,
    jsonParser.extrasTableOf(h),
    jsonParser.extrasCountOf(h),
  )
  jsonEntriesRun.configure(text == 0 ? jsonOut.outStart() : text, jsonParser.timeModeOf(h), keyLen > 0, jsonParser.maxRecordOf(h), nowSec, nowNsec)
  if (!jsonEntriesRun.run(framing, len, rangesPtr, rangeCount)) {
    jsonEntriesRun.configure(0, 0, false, 0xffff_ffff, nowSec, nowNsec)
    return jsonResult(STATUS_NO_MEMORY, -1, 0)
  }
  const outLen = jsonEntriesRun.outEnd - jsonOut.outBase
  if (framing == FRAMING_VALUE && jsonEntriesRun.unitFailed) {
    const st = jsonEntriesRun.unitFailKind == jsonOut.FAIL_DEPTH ? STATUS_TOO_DEEP : STATUS_INVALID
    return jsonResult(st, <i32>jsonEntriesRun.unitFailAt, outLen)
  }
  return jsonResult(STATUS_OK, -1, outLen)
}

/**
 * Removes from the output the entries of items whose status is not ITEM_OK (the host may set
 * ITEM_REJECTED in I_STATUS first) and updates the table. Returns the new output length.
 */
export function jsonCompact(): i32 {
  const n = jsonEntriesRun.compact()
  return jsonResult(STATUS_OK, -1, n) == STATUS_OK ? <i32>n : 0
}

/**
 * One JSON value (whitespace around it allowed, a UTF-8 BOM skipped) → its msgpack bytes at
 * R_OUT_PTR / R_OUT_LEN. Status OK, INVALID / TOO_DEEP (errorOffset from the text start),
 * NO_MEMORY, BAD_ARGUMENT. Duplicate keys: the last value wins at the first one's position.
 */
export function jsonValue(region: i32, start: u32, len: u32, maxDepth: u32): i32 {
  jsonEntriesRun.configure(0, 0, false, 0xffff_ffff, 0, 0)
  const text = textAt(region, start, len)
  if ((text == 0 && len > 0) || maxDepth < 1 || maxDepth > jsonParser.MAX_DEPTH_LIMIT) return jsonResult(STATUS_BAD_ARGUMENT, -1, 0)
  const o = jsonOut.outStart()
  if (o == 0) return jsonResult(STATUS_NO_MEMORY, -1, 0)
  if (len == 0) return jsonResult(STATUS_INVALID, 0, 0)
  const end = text + <usize>len
  let p = text
  if (len >= 3 && load<u8>(p) == 0xef && load<u8>(p + 1) == 0xbb && load<u8>(p + 2) == 0xbf) p += 3
  jsonValueParser.setMaxDepth(<i32>maxDepth)
  jsonValueParser.setRecordMode(0, 0, false, 0, 0)
  if (!jsonValueParser.parseValue(p, end, o, 0, false)) {
    const kind = jsonOut.failKind
    if (kind == jsonOut.FAIL_MEMORY) return jsonResult(STATUS_NO_MEMORY, -1, 0)
    return jsonResult(kind == jsonOut.FAIL_DEPTH ? STATUS_TOO_DEEP : STATUS_INVALID, <i32>(jsonOut.failAt - text), 0)
  }
  const after = jsonValueParser.skipWs(jsonValueParser.parsedEnd, end)
  if (after < end) return jsonResult(STATUS_INVALID, <i32>(after - text), 0)
  return jsonResult(STATUS_OK, -1, jsonValueParser.outPos - jsonOut.outBase)
}
