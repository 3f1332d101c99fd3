/**
 * @module Entry tables and the entry parser. An entry is `[time, record]` (extra elements are
 * skipped); every entry is described, invalid ones with a reason, as docs/core-abi.md §1.3 says.
 * Two tables exist: the main one, filled by `frame`, and the aux one, filled by `walkEntries` for
 * inflated CompressedPackedForward payloads, so walking one never clobbers the other.
 */

import {
  ENTRY_WORDS, E_SEC, E_NSEC, E_RECORD_START, E_RECORD_END, E_ENTRY_START, E_ENTRY_END, E_FLAGS,
  ENTRY_INVALID, ENTRY_TIME_INT, ENTRY_TIME_META, REASON_TIME, REASON_RECORD, REASON_SHAPE,
} from '../abi'
import { K_ARRAY, K_MAP, K_UINT, K_INT, K_EXT } from '../msgpack/format'
import { readHead, finish, skip, hKind, hStart, hEnd, hCount } from '../msgpack/reader'
import * as reader from '../msgpack/reader'
import { readTime, timeSec, timeNsec, timeIsInt } from './time'
import { grow } from '../util/alloc'
import { fastSkip } from '../msgpack/fast-skip'

// The table being written.
export let tablePtr: usize = 0
export let tableCap: u32 = 0
export let tableCount: u32 = 0
export let tableInvalid: u32 = 0
/** Set when a table could not grow. */
export let outOfMemory: bool = false

export function useTable(ptr: usize, cap: u32, count: u32): void {
  tablePtr = ptr
  tableCap = cap
  tableCount = count
  tableInvalid = 0
  outOfMemory = false
}

/** Appends one entry descriptor; grows the table when full. */
export function writeEntry(sec: u32, nsec: u32, recStart: usize, recEnd: usize, entryStart: usize, entryEnd: usize, flags: u32): bool {
  if (tableCount >= tableCap) {
    const nextCap: u32 = tableCap < 1024 ? 1024 : tableCap * 2
    const next = grow(tablePtr, <usize>nextCap * ENTRY_WORDS * 4, <usize>tableCount * ENTRY_WORDS * 4)
    if (next == 0) { outOfMemory = true; return false }
    tablePtr = next
    tableCap = nextCap
  }
  const e = tablePtr + <usize>tableCount * ENTRY_WORDS * 4
  if (flags & ENTRY_INVALID) {
    sec = 0
    nsec = 0
    tableInvalid++
  }
  store<u32>(e + E_SEC * 4, sec)
  store<u32>(e + E_NSEC * 4, nsec)
  store<u32>(e + E_RECORD_START * 4, <u32>recStart)
  store<u32>(e + E_RECORD_END * 4, <u32>recEnd)
  store<u32>(e + E_ENTRY_START * 4, <u32>entryStart)
  store<u32>(e + E_ENTRY_END * 4, <u32>entryEnd)
  store<u32>(e + E_FLAGS * 4, flags)
  tableCount++
  return true
}

// Result of parseTimeElement.
let timeValid: bool = false
let timeFlags: u32 = 0

/**
 * Parses a time element at `p` (slot already off pending): a scalar time, or the v1.5
 * `[time, {metadata}...]` form. Returns the element's end, or 0 on a stop.
 */
function parseTimeElement(p: usize): usize {
  if (!readHead(p)) return 0
  return parseTimeAfterHead()
}

/** Same as parseTimeElement, for a header already read. */
export function parseTimeAfterHead(): usize {
  timeValid = false
  timeFlags = 0
  if (hKind != K_ARRAY) {
    if (hKind == K_MAP) return finish(hEnd, hCount)
    timeValid = readTime()
    if (timeValid && timeIsInt) timeFlags = ENTRY_TIME_INT
    return hEnd
  }
  const c = hCount
  if (c == 0) return hEnd
  reader.pending--
  const q = skipTimeHead(hEnd)
  if (q == 0) return 0
  return finish(q, c - 1)
}

/** Reads the first element of a metadata-form time; returns its end or 0. */
function skipTimeHead(p: usize): usize {
  if (!readHead(p)) return 0
  if (hKind == K_UINT || hKind == K_INT || hKind == K_EXT) {
    timeValid = readTime()
    if (timeValid) timeFlags = ENTRY_TIME_META | (timeIsInt ? ENTRY_TIME_INT : 0)
    return hEnd
  }
  if (hKind >= K_ARRAY) return finish(hEnd, hCount)
  return hEnd
}

/**
 * Parses the time (at `timeAt`, already off pending) of a Message-mode event whose element 1
 * header has already been read, for the v1.5 case where it is an array whose first element
 * (header also read) is the time. Returns the end of element 1, or 0.
 */
export function parseMetaTimeFirstRead(outerCount: u64): usize {
  timeValid = readTime()
  timeFlags = timeValid ? (ENTRY_TIME_META | (timeIsInt ? ENTRY_TIME_INT : 0)) : 0
  return finish(hEnd, outerCount - 1)
}

export function lastTimeValid(): bool { return timeValid }
export function lastTimeFlags(): u32 { return timeFlags }

/**
 * Parses one `[time, record, ...]` entry whose header (at hStart) was just read. Writes its
 * descriptor. Returns the entry's end, or 0 on a stop.
 */
export function parseEntryAfterHead(): usize {
  const entryStart = hStart
  if (hKind != K_ARRAY || hCount < 2) {
    const end = hKind >= K_ARRAY ? finish(hEnd, hCount) : hEnd
    if (end == 0) return 0
    writeEntry(0, 0, end, end, entryStart, end, ENTRY_INVALID | (REASON_SHAPE << 8))
    return end
  }
  const count = hCount
  reader.pending--
  let p = parseTimeElement(hEnd)
  if (p == 0) return 0
  const valid = timeValid
  const sec = timeSec
  const nsec = timeNsec
  const flags = timeFlags
  reader.pending--
  const recStart = p
  if (!readHead(p)) return 0
  const isMap = hKind == K_MAP
  p = hKind >= K_ARRAY ? finish(hEnd, hCount) : hEnd
  if (p == 0) return 0
  const recEnd = p
  if (count > 2) {
    p = finish(p, count - 2)
    if (p == 0) return 0
  }
  if (!valid) writeEntry(0, 0, recStart, recEnd, entryStart, p, ENTRY_INVALID | (REASON_TIME << 8))
  else if (!isMap) writeEntry(0, 0, recStart, recEnd, entryStart, p, ENTRY_INVALID | (REASON_RECORD << 8))
  else writeEntry(sec, nsec, recStart, recEnd, entryStart, p, flags)
  return p
}

/**
 * Walks a complete packed payload `[start, end)`: every object is an entry. Returns true when the
 * whole region was walked; false with reader.status INVALID and reader.errorOffset otherwise.
 */
export function walkRegion(start: usize, end: usize): bool {
  reader.setup(<u64>end, end, true)
  let p = start
  while (p < end) {
    const fast = fastEntry(p, end)
    if (fast != 0) {
      p = fast
      continue
    }
    if (outOfMemory) return false
    if (!readHead(p)) return false
    p = parseEntryAfterHead()
    if (p == 0) return false
  }
  return true
}

// The entry the fast path just read.
export let fastSec: u32 = 0
export let fastNsec: u32 = 0
export let fastRecord: usize = 0

/**
 * The common entry, `[EventTime fixext8, map]` (what Fluentd, Fluent Bit and sluice send), read
 * without the reader, within `[p, end)`. Returns the entry's end (and sets fastSec, fastNsec,
 * fastRecord), or 0 to let the exact path handle it. Writes nothing.
 */
export function fastEntryEnd(p: usize, end: usize): usize {
  if (p + 12 > end || load<u8>(p) != 0x92 || load<u16>(p + 1) != 0x00d7) return 0
  const rec = p + 11
  const b = <u32>load<u8>(rec)
  if (!((b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf)) return 0
  const recEnd = fastSkip(rec, end, 1)
  if (recEnd == 0) return 0
  fastSec = bswap<u32>(load<u32>(p + 3))
  fastNsec = bswap<u32>(load<u32>(p + 7))
  fastRecord = rec
  return recEnd
}

function fastEntry(p: usize, end: usize): usize {
  const e = fastEntryEnd(p, end)
  if (e == 0) return 0
  return writeEntry(fastSec, fastNsec, fastRecord, e, p, e, 0) ? e : 0
}

export { skip }
