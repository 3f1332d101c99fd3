/**
 * @module filter_grep's pass for byte-literal conditions (docs/core-abi.md §5): walks an entry
 * stream, reads each condition's field from the record bytes, tests it against literal
 * alternatives (anchored to the text or to JS `m`-mode lines, ASCII case folding), and compacts the
 * kept entries in place with their table rows. One call per stream, nothing allocated per event.
 *
 * The program (u32 words, little-endian; byte strings padded to 4 bytes), written by
 * engine/plugins/filter_grep/core-program.ts:
 *   count, then per condition:
 *     group (GREP_REGEXP_AND … GREP_EXCLUDE_OR), flags (GREP_FOLD, GREP_NIL_MATCHES, GREP_TRUE_MATCHES,
 *     GREP_FALSE_MATCHES), steps, { keyLen, key bytes } × steps,
 *     alternatives, { anchors (GREP_LINE_START …), len, literal bytes } × alternatives
 * Values it cannot stringify as Ruby does (floats, arrays, maps, ext) stop the pass with
 * STATUS_UNSUPPORTED before anything is written: the host then runs its own pass.
 */

import {
  ENTRY_WORDS, E_RECORD_START, E_RECORD_END, E_ENTRY_START, E_ENTRY_END, E_FLAGS, ENTRY_INVALID,
  GREP_REGEXP_AND, GREP_REGEXP_OR, GREP_EXCLUDE_AND, GREP_FOLD, GREP_NIL_MATCHES, GREP_TRUE_MATCHES,
  GREP_FALSE_MATCHES, GREP_LINE_START, GREP_LINE_END, GREP_TEXT_START, GREP_TEXT_END,
} from '../abi'
import { fastSkip } from '../msgpack/fast-skip'
import * as entries from '../forward/entries'
import * as reader from '../msgpack/reader'

/** Decimal digits of an integer value being tested (20 digits and a sign at most). */
const digits = memory.data(24, 8)

@inline function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)) }
@inline function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)) }
@inline function pad4(n: u32): usize { return <usize>((n + 3) & ~3) }

/** Set when a value has a type the pass cannot test. */
export let unsupported: bool = false

/**
 * Position of the value under the key `[key, key+keyLen)` in the map at `p` (last duplicate wins,
 * str and bin keys alike), or 0 when `p` is not a map or has no such key.
 */
function findKey(p: usize, end: usize, key: usize, keyLen: u32): usize {
  const h = <u32>load<u8>(p)
  let count: u32
  if (h >= 0x80 && h <= 0x8f) { count = h & 15; p += 1 }
  else if (h == 0xde) { count = be16(p + 1); p += 3 }
  else if (h == 0xdf) { count = be32(p + 1); p += 5 }
  else return 0
  let found: usize = 0
  for (let i: u32 = 0; i < count; i++) {
    const k = <u32>load<u8>(p)
    let start: usize = 0
    let len: u32 = 0xffff_ffff
    if (k >= 0xa0 && k <= 0xbf) { len = k & 31; start = p + 1 }
    else if (k == 0xd9 || k == 0xc4) { len = <u32>load<u8>(p + 1); start = p + 2 }
    else if (k == 0xda || k == 0xc5) { len = be16(p + 1); start = p + 3 }
    else if (k == 0xdb || k == 0xc6) { len = be32(p + 1); start = p + 5 }
    if (len == 0xffff_ffff) {
      p = fastSkip(p, end, 2)
      if (p == 0) return 0
      continue
    }
    p = start + <usize>len
    if (len == keyLen && equalAt(start, key, len)) found = p
    p = skipValue(p, end)
    if (p == 0) return 0
  }
  return found
}

@inline function equalAt(a: usize, b: usize, n: u32): bool {
  for (let i: usize = 0; i < <usize>n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false
  return true
}

/** fastSkip of one value with the common scalars inlined (the hot loop of findKey); 0 on a bad value. */
@inline function skipValue(p: usize, end: usize): usize {
  const v = <u32>load<u8>(p)
  if (v >= 0xa0 && v <= 0xbf) return p + 1 + <usize>(v & 31)
  if (v < 0x80 || v >= 0xe0 || v == 0xc0 || v == 0xc2 || v == 0xc3) return p + 1
  if (v == 0xd9) return p + 2 + <usize>load<u8>(p + 1)
  if (v == 0xcc || v == 0xd0) return p + 2
  if (v == 0xcd || v == 0xd1) return p + 3
  if (v == 0xce || v == 0xd2 || v == 0xca) return p + 5
  if (v == 0xcb || v == 0xcf || v == 0xd3) return p + 9
  return fastSkip(p, end, 1)
}

@inline function isTerminatorBefore(s: usize, i: usize): bool {
  if (i == s) return false
  const c = load<u8>(i - 1)
  if (c == 0x0a || c == 0x0d) return true
  return i - s >= 3 && (c == 0xa8 || c == 0xa9) && load<u8>(i - 2) == 0x80 && load<u8>(i - 3) == 0xe2
}

@inline function isTerminatorAt(i: usize, e: usize): bool {
  if (i >= e) return false
  const c = load<u8>(i)
  if (c == 0x0a || c == 0x0d) return true
  return c == 0xe2 && i + 3 <= e && load<u8>(i + 1) == 0x80 && (load<u8>(i + 2) == 0xa8 || load<u8>(i + 2) == 0xa9)
}

/** Whether the literal `[lit, lit+n)` (lowercase when folding) occurs in `[s, e)` with the anchors. */
function matchAlternative(s: usize, e: usize, anchors: u32, lit: usize, n: u32, fold: bool): bool {
  if (<usize>n > e - s) return false
  const last = e - <usize>n
  let from = s
  let to = last
  if (anchors & GREP_TEXT_START) to = s
  if (anchors & GREP_TEXT_END) from = last
  const lines = (anchors & (GREP_LINE_START | GREP_LINE_END)) != 0
  if (n == 0) {
    if (!lines) return from <= to
    for (let i = from; i <= to; i++) if (lineAnchorsHold(s, e, i, i, anchors)) return true
    return false
  }
  // Candidates by their first byte (both cases when folding), then the rest.
  const first = <u32>load<u8>(lit)
  const other = fold && first >= 0x61 && first <= 0x7a ? first - 0x20 : first
  for (let i = from; i <= to; i++) {
    const c = <u32>load<u8>(i)
    if (c != first && c != other) continue
    let k: usize = 1
    if (fold) {
      for (; k < <usize>n; k++) {
        let d = <u32>load<u8>(i + k)
        if (d >= 0x41 && d <= 0x5a) d |= 0x20
        if (d != <u32>load<u8>(lit + k)) break
      }
    } else {
      for (; k < <usize>n; k++) if (load<u8>(i + k) != load<u8>(lit + k)) break
    }
    if (k == <usize>n && (!lines || lineAnchorsHold(s, e, i, i + <usize>n, anchors))) return true
  }
  return false
}

/** The `^` / `$` line anchors at a match `[i, j)` of `[s, e)`. */
@inline function lineAnchorsHold(s: usize, e: usize, i: usize, j: usize, anchors: u32): bool {
  if (anchors & GREP_LINE_START && i != s && !isTerminatorBefore(s, i)) return false
  if (anchors & GREP_LINE_END && j != e && !isTerminatorAt(j, e)) return false
  return true
}

/** Writes the decimal form of an integer value at `digits`; returns its length. */
function formatInt(negative: bool, magnitude: u64): u32 {
  let n: u32 = 0
  let v = magnitude
  do {
    store<u8>(digits + 23 - n, <u8>(0x30 + <u32>(v % 10)))
    v /= 10
    n++
  } while (v != 0)
  if (negative) { store<u8>(digits + 23 - n, 0x2d); n++ }
  memory.copy(digits, digits + 24 - n, n)
  return n
}

/**
 * Tests one condition on the record `[rec, recEnd)`; `c` points at its steps word. Returns 1 / 0,
 * and sets `unsupported` (returning 0) for a value it cannot stringify.
 */
function testCondition(c: usize, flags: u32, rec: usize, recEnd: usize, first: usize): i32 {
  const steps = load<u32>(c)
  c += 4
  let p = rec
  for (let s: u32 = 0; s < steps; s++) {
    if (s == 0 && first != NOT_SCANNED) {
      p = first
      c += 4 + pad4(load<u32>(c))
      continue
    }
    const keyLen = load<u32>(c)
    if (p != 0) p = findKey(p, recEnd, c + 4, keyLen)
    c += 4 + pad4(keyLen)
  }
  let start: usize = 0
  let len: u32 = 0
  if (p == 0) return flags & GREP_NIL_MATCHES ? 1 : 0
  const h = <u32>load<u8>(p)
  if (h >= 0xa0 && h <= 0xbf) { len = h & 31; start = p + 1 }
  else if (h == 0xd9 || h == 0xc4) { len = <u32>load<u8>(p + 1); start = p + 2 }
  else if (h == 0xda || h == 0xc5) { len = be16(p + 1); start = p + 3 }
  else if (h == 0xdb || h == 0xc6) { len = be32(p + 1); start = p + 5 }
  else if (h == 0xc0) return flags & GREP_NIL_MATCHES ? 1 : 0
  else if (h == 0xc3) return flags & GREP_TRUE_MATCHES ? 1 : 0
  else if (h == 0xc2) return flags & GREP_FALSE_MATCHES ? 1 : 0
  else {
    let negative = false
    let magnitude: u64 = 0
    if (h <= 0x7f) magnitude = <u64>h
    else if (h >= 0xe0) { negative = true; magnitude = <u64>(0x100 - h) }
    else if (h == 0xcc) magnitude = <u64>load<u8>(p + 1)
    else if (h == 0xcd) magnitude = <u64>be16(p + 1)
    else if (h == 0xce) magnitude = <u64>be32(p + 1)
    else if (h == 0xcf) magnitude = bswap<u64>(load<u64>(p + 1))
    else if (h >= 0xd0 && h <= 0xd3) {
      let v: i64 = h == 0xd0 ? <i64>load<i8>(p + 1) : h == 0xd1 ? <i64>bswap<i16>(load<i16>(p + 1)) : h == 0xd2 ? <i64>bswap<i32>(load<i32>(p + 1)) : bswap<i64>(load<i64>(p + 1))
      negative = v < 0
      magnitude = negative ? <u64>0 - <u64>v : <u64>v
    } else {
      unsupported = true
      return 0
    }
    len = formatInt(negative, magnitude)
    start = digits
  }
  const e = start + <usize>len
  const fold = (flags & GREP_FOLD) != 0
  const alternatives = load<u32>(c)
  c += 4
  for (let a: u32 = 0; a < alternatives; a++) {
    const anchors = load<u32>(c)
    const n = load<u32>(c + 4)
    if (matchAlternative(start, e, anchors, c + 8, n, fold)) return 1
    c += 8 + pad4(n)
  }
  return 0
}

/** Skips one condition from its steps word; returns the next condition's group word. */
function skipCondition(c: usize): usize {
  const steps = load<u32>(c)
  c += 4
  for (let s: u32 = 0; s < steps; s++) c += 4 + pad4(load<u32>(c))
  const alternatives = load<u32>(c)
  c += 4
  for (let a: u32 = 0; a < alternatives; a++) c += 8 + pad4(load<u32>(c + 4))
  return c
}

/** Fluentd's verdict for one record: regexp-and all match, some regexp-or matches, not every exclude-and, no exclude-or. */
function keep(program: usize, rec: usize, recEnd: usize, scanned: bool): bool {
  const count = load<u32>(program)
  let c = program + 4
  let orSeen = false
  let orMatched = false
  let andSeen = false
  let andAll = true
  for (let i: u32 = 0; i < count; i++) {
    const group = load<i32>(c)
    const flags = load<u32>(c + 4)
    const r = testCondition(c + 8, flags, rec, recEnd, scanned ? load<usize>(positions + (<usize>load<u8>(slotOf + i) << 2)) : NOT_SCANNED)
    if (unsupported) return false
    c = skipCondition(c + 8)
    if (group == GREP_REGEXP_AND) {
      if (r == 0) return false
    } else if (group == GREP_REGEXP_OR) {
      orSeen = true
      if (r == 1) orMatched = true
    } else if (group == GREP_EXCLUDE_AND) {
      andSeen = true
      if (r == 0) andAll = false
    } else if (r == 1) return false
  }
  if (orSeen && !orMatched) return false
  if (andSeen && andAll) return false
  return true
}

/** `first` for testCondition: the record was not scanned, look the first key up. */
const NOT_SCANNED: usize = <usize>0xffff_ffff
/** The most distinct first keys a fused walk reads in its scan. */
const MAX_SLOTS: u32 = 8
/** Per distinct first key: its program address and length; per slot, the value's position in the record being scanned (0: missing). */
const slotKeys = memory.data(<i32>MAX_SLOTS * 8, 8)
const positions = memory.data(<i32>MAX_SLOTS * 4, 8)
/** Per condition (≤ 256), its first key's slot. */
const slotOf = memory.data(256, 8)
let slotCount: u32 = 0

/** Fills the slot tables from the program; false when it has too many conditions or first keys to fuse. */
function prepareSlots(program: usize): bool {
  const count = load<u32>(program)
  if (count > 256) return false
  slotCount = 0
  let c = program + 4
  for (let i: u32 = 0; i < count; i++) {
    if (load<u32>(c + 8) == 0) return false
    const key = c + 16
    const len = load<u32>(c + 12)
    let slot: u32 = 0
    while (slot < slotCount && !(load<u32>(slotKeys + (<usize>slot << 3) + 4) == len && equalAt(<usize>load<u32>(slotKeys + (<usize>slot << 3)), key, len))) slot++
    if (slot == slotCount) {
      if (slotCount == MAX_SLOTS) return false
      store<u32>(slotKeys + (<usize>slot << 3), <u32>key)
      store<u32>(slotKeys + (<usize>slot << 3) + 4, len)
      slotCount++
    }
    store<u8>(slotOf + i, <u8>slot)
    c = skipCondition(c + 8)
  }
  return true
}

/**
 * Skips the map at `rec` (within `end`), noting where each slot key's value is (the last duplicate
 * wins). Returns the map's end, or 0 when the bytes are not a map fastSkip would accept.
 */
function scanRecord(rec: usize, end: usize): usize {
  const h = <u32>load<u8>(rec)
  let count: u32
  let p = rec
  if (h >= 0x80 && h <= 0x8f) { count = h & 15; p += 1 }
  else if (h == 0xde) { if (p + 3 > end) return 0; count = be16(p + 1); p += 3 }
  else if (h == 0xdf) { if (p + 5 > end) return 0; count = be32(p + 1); p += 5; if (count > <u32>(end - p)) return 0 }
  else return 0
  for (let k: u32 = 0; k < slotCount; k++) store<usize>(positions + (<usize>k << 2), 0)
  for (let i: u32 = 0; i < count; i++) {
    if (p >= end) return 0
    const k = <u32>load<u8>(p)
    let start: usize = 0
    let len: u32 = 0xffff_ffff
    if (k >= 0xa0 && k <= 0xbf) { len = k & 31; start = p + 1 }
    else if (k == 0xd9 || k == 0xc4) { len = <u32>load<u8>(p + 1); start = p + 2 }
    else if (k == 0xda || k == 0xc5) { len = be16(p + 1); start = p + 3 }
    else if (k == 0xdb || k == 0xc6) {
      if (p + 5 > end) return 0
      len = be32(p + 1)
      if (len > <u32>(end - p)) return 0
      start = p + 5
    }
    if (len == 0xffff_ffff) {
      p = fastSkip(p, end, 2)
      if (p == 0) return 0
      continue
    }
    p = start + <usize>len
    if (p >= end) return 0
    for (let slot: u32 = 0; slot < slotCount; slot++) {
      const entry = slotKeys + (<usize>slot << 3)
      if (load<u32>(entry + 4) == len && equalAt(start, <usize>load<u32>(entry), len)) store<usize>(positions + (<usize>slot << 2), p)
    }
    p = skipValue(p, end)
    if (p == 0 || p > end) return 0
  }
  return p
}

/**
 * The fused pass over `[start, end)`: walks the entries as entries.walkRegion does (same rows,
 * same statuses), reading the fields the conditions test while it skips each common entry's
 * record, and stores each row's verdict in its spare word. False: as walkRegion, or `unsupported`.
 */
function walkAndDecide(program: usize, start: usize, end: usize): bool {
  reader.setup(<u64>end, end, true)
  let p = start
  while (p < end) {
    if (p + 12 <= end && load<u8>(p) == 0x92 && load<u16>(p + 1) == 0x00d7) {
      const rec = p + 11
      const recEnd = scanRecord(rec, end)
      if (recEnd != 0) {
        if (!entries.writeEntry(bswap<u32>(load<u32>(p + 3)), bswap<u32>(load<u32>(p + 7)), rec, recEnd, p, recEnd, 0)) return false
        const kept = keep(program, rec, recEnd, true)
        if (unsupported) return false
        store<u32>(entries.tablePtr + <usize>(entries.tableCount - 1) * ENTRY_WORDS * 4 + (ENTRY_WORDS - 1) * 4, kept ? 1 : 0)
        p = recEnd
        continue
      }
    }
    if (entries.outOfMemory) return false
    if (!reader.readHead(p)) return false
    p = entries.parseEntryAfterHead()
    if (p == 0) return false
    const row = entries.tablePtr + <usize>(entries.tableCount - 1) * ENTRY_WORDS * 4
    const valid = (load<u32>(row + E_FLAGS * 4) & ENTRY_INVALID) == 0
    const kept = valid && keep(program, <usize>load<u32>(row + E_RECORD_START * 4), <usize>load<u32>(row + E_RECORD_END * 4), false)
    if (unsupported) return false
    store<u32>(row + (ENTRY_WORDS - 1) * 4, kept ? 1 : 0)
  }
  return true
}

/** Kept bytes after `run` (the entries start at `base`). */
export let keptBytes: usize = 0
export let keptRows: u32 = 0

/**
 * Runs the program over the `rows` table rows (positions are addresses, entries from `base`),
 * moving kept entries to the front of the region and their rows to the front of the table, with
 * positions as offsets from `base`. Returns false (nothing written) when a value is unsupported.
 */
export function run(program: usize, table: usize, rows: u32, base: usize): bool {
  unsupported = false
  // First the verdicts (in the rows' spare word), so an unsupported value leaves everything as it was.
  for (let i: u32 = 0; i < rows; i++) {
    const row = table + <usize>i * ENTRY_WORDS * 4
    const valid = (load<u32>(row + E_FLAGS * 4) & ENTRY_INVALID) == 0
    const kept = valid && keep(program, <usize>load<u32>(row + E_RECORD_START * 4), <usize>load<u32>(row + E_RECORD_END * 4), false)
    if (unsupported) return false
    store<u32>(row + (ENTRY_WORDS - 1) * 4, kept ? 1 : 0)
  }
  compact(table, rows, base)
  return true
}

/** Walk status of `walkAndRun`. */
export const WALKED: i32 = 0
export const WALK_FAILED: i32 = 1
export const UNSUPPORTED_VALUE: i32 = 2

/**
 * The whole pass over the region `[base, end)` into the current entry table (entries.useTable
 * done by the caller): the fused walk when the program allows, then the compaction. WALK_FAILED:
 * as walkRegion (reader.status / errorOffset, entries.outOfMemory); UNSUPPORTED_VALUE: nothing
 * moved (the rows are the walk's).
 */
export function walkAndRun(program: usize, base: usize, end: usize): i32 {
  unsupported = false
  if (!prepareSlots(program)) {
    if (!entries.walkRegion(base, end)) return WALK_FAILED
    return run(program, entries.tablePtr, entries.tableCount, base) ? WALKED : UNSUPPORTED_VALUE
  }
  if (!walkAndDecide(program, base, end)) return unsupported ? UNSUPPORTED_VALUE : WALK_FAILED
  compact(entries.tablePtr, entries.tableCount, base)
  return WALKED
}

/** Moves the kept entries (spare word 1) and their rows to the front, positions as offsets from `base`. */
function compact(table: usize, rows: u32, base: usize): void {
  let out = base
  let k: u32 = 0
  for (let i: u32 = 0; i < rows; i++) {
    const row = table + <usize>i * ENTRY_WORDS * 4
    if (load<u32>(row + (ENTRY_WORDS - 1) * 4) == 0) continue
    const entryStart = <usize>load<u32>(row + E_ENTRY_START * 4)
    const entryEnd = <usize>load<u32>(row + E_ENTRY_END * 4)
    const shift = entryStart - out
    if (shift != 0) memory.copy(out, entryStart, entryEnd - entryStart)
    const dst = table + <usize>k * ENTRY_WORDS * 4
    const offset = out - base
    // Rows move forward only (k ≤ i): read every field before writing.
    const sec = load<u32>(row)
    const nsec = load<u32>(row + 4)
    const recStart = <usize>load<u32>(row + E_RECORD_START * 4)
    const recEnd = <usize>load<u32>(row + E_RECORD_END * 4)
    const flags = load<u32>(row + E_FLAGS * 4)
    store<u32>(dst, sec)
    store<u32>(dst + 4, nsec)
    store<u32>(dst + E_RECORD_START * 4, <u32>(recStart - entryStart + offset))
    store<u32>(dst + E_RECORD_END * 4, <u32>(recEnd - entryStart + offset))
    store<u32>(dst + E_ENTRY_START * 4, <u32>offset)
    store<u32>(dst + E_ENTRY_END * 4, <u32>(entryEnd - entryStart + offset))
    store<u32>(dst + E_FLAGS * 4, flags)
    store<u32>(dst + (ENTRY_WORDS - 1) * 4, 0)
    out += entryEnd - entryStart
    k++
  }
  keptBytes = out - base
  keptRows = k
}
