/**
 * @module Entries mode: JSON text → a PackedForward entries stream (`92 d7 00 <sec> <nsec>
 * <record map>` per entry, exactly what an EventStream's entries hold) plus one ITEM per record or
 * refused element, so an input can emit without a JS object per event and answer per item.
 *
 * A unit of text (the whole text, one line, or one host-given range) is one JSON value:
 * - an object is one record; an array gives one item per element (objects are records, anything
 *   else an ITEM_NOT_OBJECT item with its text range); any other value is one ITEM_NOT_OBJECT item;
 * - a unit that is not valid JSON (or nests deeper than the limit) is ONE item, ITEM_INVALID /
 *   ITEM_TOO_DEEP with the error offset, and nothing of it is kept (Fluentd's json parser yields
 *   nothing for a text it cannot parse).
 * Framings: VALUE (the whole text is one unit: its failure is the call's status), LINES (split on
 * LF; a trailing CR is whitespace anyway; blank lines give no item but are counted), RANGES (the
 * host's [start, end) offsets, one unit each, blank ones included). A UTF-8 BOM at the start of the
 * text is skipped (TextDecoder drops it too).
 *
 * Per record: the time key's value is taken out (value.ts) and converted (time.ts); a numeric
 * value in range sets the entry's EventTime, anything else leaves "now" and is reported with its
 * text range so the host can parse a string time and patch the entry's 8 time bytes in place.
 * A record over `maxRecord` msgpack bytes (extras included) is ITEM_TOO_LARGE and dropped.
 * Item positions are offsets: text ones from the text start, entry ones from the output start.
 */

import { grow } from '../util/alloc'
import {
  ITEM_WORDS, I_STATUS, I_LINE, I_INDEX, I_ERROR_OFFSET, I_SRC_START, I_SRC_END, I_ENTRY_START, I_ENTRY_END,
  I_SEC, I_NSEC, I_TIME, I_TIME_START, I_TIME_END, I_RECORD_SIZE, ITEM_OK, ITEM_INVALID, ITEM_TOO_DEEP,
  ITEM_NOT_OBJECT, ITEM_TOO_LARGE, TIME_KIND_ABSENT, TIME_KIND_INT, TIME_KIND_FLOAT, TIME_KIND_STRING, TIME_KIND_NULL,
  TIME_KIND_TRUE, TIME_KIND_FALSE, TIME_KIND_OBJECT, TIME_KIND_ARRAY, TIME_APPLIED, TIME_OUT_OF_RANGE,
  FRAMING_VALUE, FRAMING_LINES,
} from '../abi'
import { FAIL_DEPTH, FAIL_MEMORY, FAIL_NONE, FAIL_SYNTAX, fail, failAt, failKind, outBase, outGrow, outLimit, outStart } from './output'
import { parseValue, parsedEnd, outPos, skipWs, maxDepth, timeFound, timeStart, timeEnd, timeFirst, timeNumKind, timeNumValue } from './value'
import { NUM_FLOAT } from './number'
import { timeOf, sec as timeSec, nsec as timeNsec } from './time'

export let items: usize = 0
let itemsCap: u32 = 0
export let itemCount: u32 = 0
export let entryCount: u32 = 0
/** The output end (an address) after the last call. */
export let outEnd: usize = 0

// The call's settings.
let textStart: usize = 0
let timeMode: i32 = 0
let hasTimeKey: bool = false
let maxRecord: u32 = 0xffff_ffff
let nowSec: u32 = 0
let nowNsec: u32 = 0

export function configure(text: usize, mode: i32, timeKey: bool, recordLimit: u32, sec: u32, nsec: u32): void {
  textStart = text
  timeMode = mode
  hasTimeKey = timeKey
  maxRecord = recordLimit
  nowSec = sec
  nowNsec = nsec
  itemCount = 0
  entryCount = 0
}

@inline function word(i: u32, w: i32): usize {
  return items + ((<usize>i * ITEM_WORDS + <usize>w) << 2)
}

@inline function setWord(i: u32, w: i32, v: u32): void {
  store<u32>(word(i, w), v)
}

/** Adds an item (all words cleared, error offset and index −1). Returns its index, or −1 (no memory). */
function addItem(line: u32, index: i32, src: usize, o: usize): i32 {
  if (itemCount >= itemsCap) {
    const cap: u32 = itemsCap < 256 ? 256 : itemsCap * 2
    const p = grow(items, <usize>cap * ITEM_WORDS * 4, <usize>itemCount * ITEM_WORDS * 4)
    if (p == 0) {
      fail(FAIL_MEMORY, 0)
      return -1
    }
    items = p
    itemsCap = cap
  }
  const i = itemCount
  memory.fill(word(i, 0), 0, ITEM_WORDS * 4)
  setWord(i, I_LINE, line)
  setWord(i, I_INDEX, <u32>index)
  setWord(i, I_ERROR_OFFSET, 0xffff_ffff)
  setWord(i, I_SRC_START, <u32>(src - textStart))
  setWord(i, I_SRC_END, <u32>(src - textStart))
  setWord(i, I_ENTRY_START, <u32>(o - outBase))
  setWord(i, I_ENTRY_END, <u32>(o - outBase))
  itemCount++
  return <i32>i
}

function timeKind(first: u32): u32 {
  switch (first) {
    case 0x22: return TIME_KIND_STRING
    case 0x6e: return TIME_KIND_NULL
    case 0x74: return TIME_KIND_TRUE
    case 0x66: return TIME_KIND_FALSE
    case 0x7b: return TIME_KIND_OBJECT
    case 0x5b: return TIME_KIND_ARRAY
    default: return timeNumKind == NUM_FLOAT ? TIME_KIND_FLOAT : TIME_KIND_INT
  }
}

/**
 * Parses the record object at `p` as item `index` of `line`, its entry at output `o`. Returns the
 * output end (the entry kept or dropped), or 0 on a failure of the unit (failKind / failAt).
 */
function record(p: usize, end: usize, o: usize, line: u32, index: i32, depthBase: i32): usize {
  if (o + 11 > outLimit) {
    o = outGrow(o, 11)
    if (o == 0) return 0
  }
  const entryOff = o - outBase
  if (!parseValue(p, end, o + 11, depthBase, true)) return 0
  const i = addItem(line, index, p, outBase + entryOff)
  if (i < 0) return 0
  const ui = <u32>i
  const entry = outBase + entryOff
  const recordEnd = outPos
  const size = recordEnd - entry - 11
  setWord(ui, I_SRC_END, <u32>(parsedEnd - textStart))
  setWord(ui, I_RECORD_SIZE, <u32>size)
  let sec = nowSec
  let nsec = nowNsec
  let timeWord: u32 = TIME_KIND_ABSENT
  if (hasTimeKey && timeFound) {
    const kind = timeKind(timeFirst)
    timeWord = kind
    setWord(ui, I_TIME_START, <u32>(timeStart - textStart))
    setWord(ui, I_TIME_END, <u32>(timeEnd - textStart))
    if (kind == TIME_KIND_INT || kind == TIME_KIND_FLOAT) {
      if (timeOf(timeMode, timeStart, timeEnd, timeNumKind, timeNumValue)) {
        sec = timeSec
        nsec = timeNsec
        timeWord |= TIME_APPLIED
      } else {
        timeWord |= TIME_OUT_OF_RANGE
      }
    }
  }
  setWord(ui, I_TIME, timeWord)
  setWord(ui, I_SEC, sec)
  setWord(ui, I_NSEC, nsec)
  if (<u64>size > <u64>maxRecord) {
    setWord(ui, I_STATUS, ITEM_TOO_LARGE)
    return entry
  }
  store<u32>(entry, 0x00d792) // 92 d7 00
  store<u32>(entry + 3, bswap<u32>(sec))
  store<u32>(entry + 7, bswap<u32>(nsec))
  setWord(ui, I_ENTRY_END, <u32>(recordEnd - outBase))
  entryCount++
  return recordEnd
}

/** A value that is not a record: validated, written and dropped; its item says where it was. */
function notRecord(p: usize, end: usize, o: usize, line: u32, index: i32, depthBase: i32): usize {
  if (!parseValue(p, end, o, depthBase, false)) return 0
  const i = addItem(line, index, p, o)
  if (i < 0) return 0
  setWord(<u32>i, I_STATUS, ITEM_NOT_OBJECT)
  setWord(<u32>i, I_SRC_END, <u32>(parsedEnd - textStart))
  return o
}

/** The end of the unit's parse (text), set by unit(). */
let unitEnd: usize = 0

/** Items of [p, end) (whitespace trimmed by the parse); returns the output end or 0 on failure. */
function unitItems(p: usize, end: usize, o: usize, line: u32): usize {
  p = skipWs(p, end)
  if (p >= end) {
    fail(FAIL_SYNTAX, end)
    return 0
  }
  const c = load<u8>(p)
  if (c == 0x7b) {
    o = record(p, end, o, line, -1, 0)
    if (o == 0) return 0
    p = parsedEnd
  } else if (c == 0x5b) {
    if (maxDepth < 1) {
      fail(FAIL_DEPTH, p)
      return 0
    }
    p = skipWs(p + 1, end)
    if (p < end && load<u8>(p) == 0x5d) {
      p++
    } else {
      let index: i32 = 0
      for (;;) {
        p = skipWs(p, end)
        if (p < end && load<u8>(p) == 0x7b) o = record(p, end, o, line, index, 1)
        else o = notRecord(p, end, o, line, index, 1)
        if (o == 0) return 0
        p = skipWs(parsedEnd, end)
        if (p >= end) {
          fail(FAIL_SYNTAX, end)
          return 0
        }
        const d = load<u8>(p)
        p++
        if (d == 0x5d) break
        if (d != 0x2c) {
          fail(FAIL_SYNTAX, p - 1)
          return 0
        }
        index++
      }
    }
  } else {
    o = notRecord(p, end, o, line, -1, 0)
    if (o == 0) return 0
    p = parsedEnd
  }
  p = skipWs(p, end)
  if (p < end) {
    fail(FAIL_SYNTAX, p)
    return 0
  }
  unitEnd = p
  return o
}

/**
 * One unit: its items, or — when it fails — one ITEM_INVALID / ITEM_TOO_DEEP item and nothing
 * else of it. Returns the output end, or 0 when memory ran out (the call fails).
 */
function unit(p: usize, end: usize, o: usize, line: u32): usize {
  const itemMark = itemCount
  const entryMark = entryCount
  const outMark = o - outBase
  failKind = FAIL_NONE
  const next = unitItems(p, end, o, line)
  if (next != 0) return next
  if (failKind == FAIL_MEMORY) return 0
  itemCount = itemMark
  entryCount = entryMark
  o = outBase + outMark
  const kind = failKind
  const at = failAt
  const i = addItem(line, -1, p, o)
  if (i < 0) return 0
  setWord(<u32>i, I_STATUS, kind == FAIL_DEPTH ? ITEM_TOO_DEEP : ITEM_INVALID)
  setWord(<u32>i, I_ERROR_OFFSET, <u32>(at - textStart))
  setWord(<u32>i, I_SRC_END, <u32>(end - textStart))
  unitFailed = true
  unitFailKind = kind
  unitFailAt = at - textStart
  return o
}

/** Skips a UTF-8 byte order mark at `p`. */
function skipBom(p: usize, end: usize): usize {
  if (p + 3 <= end && load<u8>(p) == 0xef && load<u8>(p + 1) == 0xbb && load<u8>(p + 2) == 0xbf) return p + 3
  return p
}

/** True when [p, end) is only JSON whitespace. */
function blank(p: usize, end: usize): bool {
  return skipWs(p, end) >= end
}

/** The first LF at or after `p`, or `end`. */
function findLf(p: usize, end: usize): usize {
  while (p + 8 <= end) {
    const x = load<u64>(p) ^ 0x0a0a_0a0a_0a0a_0a0a
    const m = (x - 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    if (m != 0) return p + <usize>(ctz<u64>(m) >> 3)
    p += 8
  }
  while (p < end && load<u8>(p) != 0x0a) p++
  return p
}

/** Whether a unit of the last run failed whole, and how (the last such unit; an offset). */
export let unitFailed: bool = false
export let unitFailKind: i32 = FAIL_NONE
export let unitFailAt: usize = 0

/** Runs a framing over [text, text + len). Returns true, or false when memory ran out. */
export function run(framing: i32, len: usize, ranges: usize, rangeCount: u32): bool {
  const text = textStart
  const end = text + len
  let o = outStart()
  if (o == 0) return false
  unitFailed = false
  if (framing == FRAMING_VALUE) {
    o = unit(skipBom(text, end), end, o, 1)
    if (o == 0) return false
  } else if (framing == FRAMING_LINES) {
    let p = skipBom(text, end)
    let line: u32 = 1
    while (p < end) {
      const lf = findLf(p, end)
      if (!blank(p, lf)) {
        o = unit(p, lf, o, line)
        if (o == 0) return false
      }
      p = lf + 1
      line++
    }
  } else {
    for (let r: u32 = 0; r < rangeCount; r++) {
      const s = load<u32>(ranges + (<usize>r << 3))
      const e = load<u32>(ranges + (<usize>r << 3) + 4)
      let p = text + <usize>s
      if (r == 0 && s == 0) p = skipBom(p, text + <usize>e)
      o = unit(p, text + <usize>e, o, r + 1)
      if (o == 0) return false
    }
  }
  outEnd = o
  return true
}

/**
 * Removes the entries of items whose status is not ITEM_OK (the host may mark items it refuses),
 * moving the kept ones together; returns the new output length.
 */
export function compact(): u32 {
  let w: usize = 0
  let kept: u32 = 0
  for (let i: u32 = 0; i < itemCount; i++) {
    const s = <usize>load<u32>(word(i, I_ENTRY_START))
    const e = <usize>load<u32>(word(i, I_ENTRY_END))
    if (load<u32>(word(i, I_STATUS)) != ITEM_OK) {
      setWord(i, I_ENTRY_START, <u32>w)
      setWord(i, I_ENTRY_END, <u32>w)
      continue
    }
    if (s != w) memory.copy(outBase + w, outBase + s, e - s)
    setWord(i, I_ENTRY_START, <u32>w)
    w += e - s
    setWord(i, I_ENTRY_END, <u32>w)
    kept++
  }
  entryCount = kept
  outEnd = outBase + w
  return <u32>w
}
