/**
 * @module One JSON value → msgpack, iteratively (an explicit stack in linear memory, so nesting can
 * never overflow the wasm stack): objects → maps, arrays → arrays, strings (string.ts), numbers
 * (number.ts), true/false/null. Whitespace is RFC 8259's: space, tab, LF, CR.
 *
 * - Depth: a container that would be deeper than `maxDepth` (counting `depthBase` containers
 *   already open outside this value) fails with FAIL_DEPTH at its bracket.
 * - Errors: failAt is the first byte at which the text stops being the beginning of some valid
 *   JSON text (the end of the input when the text is cut short).
 * - Container headers: one byte is kept for the header while the elements are written; a container
 *   that ends with 16 or more elements moves its contents up by 2 or 4 bytes for the longer header.
 * - Duplicate keys: the last value wins, at the position of the first occurrence (Ruby's Hash,
 *   which Fluentd's parsers fill, and a JS object alike): the earlier value is replaced in place
 *   and the later pair is dropped, so a map never carries a key twice. A 64-bit Bloom mask per open
 *   object keeps the check to one AND for keys not seen before; an object past 32 keys gets a hash
 *   index (open addressing, rebuilt at half load), so a huge object stays linear. Only the
 *   innermost open object ever gains keys, so the indexes live on a stack, each growing in place.
 * - Record mode (entries, see entries.ts): at the top level of the record object, the time key's
 *   pair is taken out (unless kept) and reported, and the request's extra pairs are appended
 *   before the map closes, with the same last-wins rule.
 */

import { keyHash, equalBytes } from '../util/bytes'
import { grow } from '../util/alloc'
import { FAIL_SYNTAX, FAIL_DEPTH, FAIL_MEMORY, fail, outBase, outGrow, outLimit, scratch } from './output'
import { writeString, strEnd, strLen } from './string'
import { scanNumber, writeNumber, numEnd, numKind, numMagnitude, numValue } from './number'

// ---- stacks --------------------------------------------------------------------------------

const KIND_ARRAY: u32 = 0
const KIND_OBJECT: u32 = 1

// A frame per open container (56 bytes); positions are offsets from outBase.
const FRAME: usize = 56
const F_KIND: usize = 0
const F_HEAD: usize = 4
const F_COUNT: usize = 8
const F_KEYBASE: usize = 12
const F_BLOOM: usize = 16
const F_CURKEY: usize = 24
const F_CURVAL: usize = 28
const F_CURLEN: usize = 32
const F_CURHASH: usize = 36
const F_CURTIME: usize = 40
/** The object's key index: its offset in the index stack and its slot count (0: none yet). */
const F_INDEX: usize = 44
const F_INDEX_SLOTS: usize = 48

// A key entry per pair of the open objects (16 bytes).
const KEY: usize = 16
const K_KEY: usize = 0
const K_VAL: usize = 4
const K_LEN: usize = 8
const K_HASH: usize = 12

let frames: usize = 0
let framesCap: u32 = 0
let keys: usize = 0
let keysCap: u32 = 0
let keyTop: u32 = 0

/** Objects with this many keys get a hash index. */
const INDEX_FROM: u32 = 32
/** The index stack: slots of u32 (key number + 1; 0 empty), one block per indexed open object. */
let indexes: usize = 0
let indexesCap: usize = 0
let indexTop: usize = 0

/** Set by the caller before parsing. */
export let maxDepth: i32 = 512

export function setMaxDepth(d: i32): void {
  maxDepth = d
}

function reserveFrames(n: u32): bool {
  if (n <= framesCap) return true
  const p = grow(frames, <usize>n * FRAME, <usize>framesCap * FRAME)
  if (p == 0) return false
  frames = p
  framesCap = n
  return true
}

function pushKey(keyOff: u32, valOff: u32, len: u32, hash: u32): bool {
  if (keyTop >= keysCap) {
    const cap: u32 = keysCap < 256 ? 256 : keysCap * 2
    const p = grow(keys, <usize>cap * KEY, <usize>keyTop * KEY)
    if (p == 0) return false
    keys = p
    keysCap = cap
  }
  const k = keys + <usize>keyTop * KEY
  store<u32>(k + K_KEY, keyOff)
  store<u32>(k + K_VAL, valOff)
  store<u32>(k + K_LEN, len)
  store<u32>(k + K_HASH, hash)
  keyTop++
  return true
}

// ---- record mode --------------------------------------------------------------------------

let timeKeyPtr: usize = 0
let timeKeyLen: usize = 0
let keepTimeKey: bool = false
/** Extra pairs: a table of EXTRA words per pair (see setRecordMode). */
let extrasTable: usize = 0
let extrasCount: u32 = 0

export const EXTRA: usize = 24
export const X_KEY: usize = 0 // address of the key payload
export const X_LEN: usize = 4
export const X_HASH: usize = 8
export const X_PAIR: usize = 12 // address of the pair's first byte (the key header)
export const X_VAL: usize = 16 // address of the value
export const X_END: usize = 20 // address after the value

export function setRecordMode(keyPtr: usize, keyLen: usize, keep: bool, table: usize, count: u32): void {
  timeKeyPtr = keyPtr
  timeKeyLen = keyLen
  keepTimeKey = keep
  extrasTable = table
  extrasCount = count
}

// What the last record's time pair held (valid after a record parse when timeFound).
export let timeFound: bool = false
export let timeStart: usize = 0
export let timeEnd: usize = 0
export let timeFirst: u32 = 0
export let timeNumKind: i32 = 0
export let timeNumMagnitude: u64 = 0
export let timeNumValue: f64 = 0

// ---- parsing ------------------------------------------------------------------------------

/** After parseValue: where the value ended in the text, and where the output ends. */
export let parsedEnd: usize = 0
export let outPos: usize = 0

@inline function isWs(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09
}

export function skipWs(p: usize, end: usize): usize {
  while (p < end && isWs(<u32>load<u8>(p))) p++
  return p
}

/** Matches the literal `word` (its bytes little-endian in `bytes`) at p; returns its end or 0. */
function literal(p: usize, end: usize, bytes: u32, n: usize): usize {
  for (let i: usize = 0; i < n; i++) {
    if (p + i >= end) {
      fail(FAIL_SYNTAX, end)
      return 0
    }
    if (<u32>load<u8>(p + i) != ((bytes >> (<u32>i << 3)) & 0xff)) {
      fail(FAIL_SYNTAX, p + i)
      return 0
    }
  }
  return p + n
}

const ST_VALUE: i32 = 0
const ST_KEY: i32 = 1
const ST_AFTER: i32 = 2

/**
 * Parses one JSON value at `p` (leading whitespace allowed) into msgpack at `o`. `record`: the
 * value is a record object (the caller checked the `{`). True on success (parsedEnd, outPos);
 * false with failKind / failAt.
 */
export function parseValue(p: usize, end: usize, o: usize, depthBase: i32, record: bool): bool {
  let sp: i32 = 0
  const keyFloor = keyTop
  indexFloorOfCall = indexTop
  let state = ST_VALUE
  if (record) timeFound = false
  for (;;) {
    if (state == ST_VALUE) {
      p = skipWs(p, end)
      if (p >= end) return failAndReset(FAIL_SYNTAX, end, keyFloor)
      const c = <u32>load<u8>(p)
      if (c == 0x22) {
        o = writeString(p, end, o)
        if (o == 0) return reset(keyFloor)
        p = strEnd
        state = ST_AFTER
      } else if (c == 0x7b || c == 0x5b) {
        if (depthBase + sp + 1 > maxDepth) return failAndReset(FAIL_DEPTH, p, keyFloor)
        if (!reserveFrames(<u32>(sp + 1))) return failAndReset(FAIL_MEMORY, 0, keyFloor)
        if (o + 8 > outLimit) {
          o = outGrow(o, 8)
          if (o == 0) return reset(keyFloor)
        }
        const f = frames + <usize>sp * FRAME
        sp++
        store<u32>(f + F_KIND, c == 0x7b ? KIND_OBJECT : KIND_ARRAY)
        store<u32>(f + F_HEAD, <u32>(o - outBase))
        store<u32>(f + F_COUNT, 0)
        store<u32>(f + F_KEYBASE, keyTop)
        store<u64>(f + F_BLOOM, 0)
        store<u32>(f + F_INDEX_SLOTS, 0)
        o++
        p = skipWs(p + 1, end)
        if (p >= end) return failAndReset(FAIL_SYNTAX, end, keyFloor)
        const d = <u32>load<u8>(p)
        if (c == 0x7b) {
          if (d == 0x7d) {
            p++
            o = close(f, o, record && sp == 1)
            if (o == 0) return reset(keyFloor)
            sp--
            state = ST_AFTER
          } else if (d == 0x22) {
            state = ST_KEY
          } else {
            return failAndReset(FAIL_SYNTAX, p, keyFloor)
          }
        } else if (d == 0x5d) {
          p++
          o = close(f, o, false)
          sp--
          state = ST_AFTER
        }
      } else if (c == 0x2d || c - 0x30 <= 9) {
        if (!scanNumber(p, end)) return failAndReset(FAIL_SYNTAX, numEnd, keyFloor)
        if (o + 9 > outLimit) {
          o = outGrow(o, 9)
          if (o == 0) return reset(keyFloor)
        }
        o = writeNumber(o)
        p = numEnd
        state = ST_AFTER
      } else {
        let q: usize = 0
        let byte: u8 = 0
        if (c == 0x74) {
          q = literal(p, end, 0x65757274, 4) // "true"
          byte = 0xc3
        } else if (c == 0x66) {
          q = literal(p, end, 0x736c6166, 4) // "fals"
          if (q != 0) q = literal(q, end, 0x65, 1) // "e"
          byte = 0xc2
        } else if (c == 0x6e) {
          q = literal(p, end, 0x6c6c756e, 4) // "null"
          byte = 0xc0
        } else {
          return failAndReset(FAIL_SYNTAX, p, keyFloor)
        }
        if (q == 0) return reset(keyFloor)
        if (o + 1 > outLimit) {
          o = outGrow(o, 1)
          if (o == 0) return reset(keyFloor)
        }
        store<u8>(o, byte)
        o++
        p = q
        state = ST_AFTER
      }
    } else if (state == ST_KEY) {
      // p is at the key's opening quote.
      const f = frames + <usize>(sp - 1) * FRAME
      const keyAt = o
      o = writeString(p, end, o)
      if (o == 0) return reset(keyFloor)
      p = strEnd
      const len = strLen
      const hash = keyHash(o - len, len)
      store<u32>(f + F_CURKEY, <u32>(keyAt - outBase))
      store<u32>(f + F_CURLEN, <u32>len)
      store<u32>(f + F_CURHASH, hash)
      const isTime = record && sp == 1 && timeKeyLen == len && len > 0 && equalBytes(o - len, timeKeyPtr, len)
      store<u32>(f + F_CURTIME, isTime ? 1 : 0)
      p = skipWs(p, end)
      if (p >= end) return failAndReset(FAIL_SYNTAX, end, keyFloor)
      if (load<u8>(p) != 0x3a) return failAndReset(FAIL_SYNTAX, p, keyFloor)
      p = skipWs(p + 1, end)
      store<u32>(f + F_CURVAL, <u32>(o - outBase))
      if (isTime) timeStart = p
      state = ST_VALUE
    } else {
      // A value just ended at p.
      if (sp == 0) {
        parsedEnd = p
        outPos = o
        return true
      }
      const f = frames + <usize>(sp - 1) * FRAME
      const kind = load<u32>(f + F_KIND)
      if (kind == KIND_OBJECT) {
        o = finishPair(f, o, p, record && sp == 1)
        if (o == 0) return reset(keyFloor)
      } else {
        store<u32>(f + F_COUNT, load<u32>(f + F_COUNT) + 1)
      }
      p = skipWs(p, end)
      if (p >= end) return failAndReset(FAIL_SYNTAX, end, keyFloor)
      const c = <u32>load<u8>(p)
      if (c == 0x2c) {
        p = skipWs(p + 1, end)
        if (kind == KIND_ARRAY) {
          state = ST_VALUE
        } else {
          if (p >= end) return failAndReset(FAIL_SYNTAX, end, keyFloor)
          if (load<u8>(p) != 0x22) return failAndReset(FAIL_SYNTAX, p, keyFloor)
          state = ST_KEY
        }
      } else if (c == (kind == KIND_OBJECT ? 0x7d : 0x5d)) {
        p++
        o = close(f, o, record && sp == 1)
        if (o == 0) return reset(keyFloor)
        sp--
        state = ST_AFTER
      } else {
        return failAndReset(FAIL_SYNTAX, p, keyFloor)
      }
    }
  }
  return false
}

/** After a failure: the stacks are as they were when the parse began. */
let indexFloorOfCall: usize = 0

function reset(keyFloor: u32): bool {
  keyTop = keyFloor
  indexTop = indexFloorOfCall
  return false
}

function failAndReset(kind: i32, at: usize, keyFloor: u32): bool {
  reset(keyFloor)
  return fail(kind, at)
}

/**
 * The pair of object frame `f` whose value ended (text position `p`, output `o`) is complete:
 * take it out when it is the record's time pair, else keep it unless its key came before (then
 * its value replaces the earlier one). Returns the output end, or 0 (no memory).
 */
function finishPair(f: usize, o: usize, p: usize, recordTop: bool): usize {
  const keyOff = load<u32>(f + F_CURKEY)
  if (recordTop && load<u32>(f + F_CURTIME) != 0) {
    timeFound = true
    timeEnd = p
    timeFirst = <u32>load<u8>(timeStart)
    timeNumKind = numKind
    timeNumMagnitude = numMagnitude
    timeNumValue = numValue
    if (!keepTimeKey) return outBase + <usize>keyOff
  }
  const len = load<u32>(f + F_CURLEN)
  const hash = load<u32>(f + F_CURHASH)
  const valOff = load<u32>(f + F_CURVAL)
  const j = lookupKey(f, outBase + <usize>valOff - <usize>len, len, hash)
  if (j >= 0) return replaceValue(<u32>j, o, outBase + <usize>valOff, o - outBase - <usize>valOff, keyOff, true)
  if (!addKey(f, keyOff, valOff, len, hash)) return 0
  return o
}

@inline function keysEqual(i: u32, at: usize, len: u32, hash: u32): bool {
  const k = keys + <usize>i * KEY
  // A key's payload ends where its value starts.
  return load<u32>(k + K_HASH) == hash && load<u32>(k + K_LEN) == len && equalBytes(outBase + <usize>load<u32>(k + K_VAL) - <usize>len, at, len)
}

/** The key number equal to the `len` bytes at `at` among object `f`'s keys, or −1. */
function lookupKey(f: usize, at: usize, len: u32, hash: u32): i32 {
  const slots = load<u32>(f + F_INDEX_SLOTS)
  if (slots != 0) {
    const table = indexes + <usize>load<u32>(f + F_INDEX)
    const mask = slots - 1
    let s = mix(hash) & mask
    for (;;) {
      const v = load<u32>(table + (<usize>s << 2))
      if (v == 0) return -1
      if (keysEqual(v - 1, at, len, hash)) return <i32>(v - 1)
      s = (s + 1) & mask
    }
  }
  const bit: u64 = (<u64>1) << <u64>(hash & 63)
  if ((load<u64>(f + F_BLOOM) & bit) == 0) return -1
  for (let i = load<u32>(f + F_KEYBASE); i < keyTop; i++) if (keysEqual(i, at, len, hash)) return <i32>i
  return -1
}

/** Slot hash: the Bloom mask takes the low bits, the index the mixed high ones. */
@inline function mix(hash: u32): u32 {
  return (hash * 0x9e37_79b1) ^ (hash >> 15)
}

/** Adds a new key to the innermost object `f`; false when memory ran out (failKind set). */
function addKey(f: usize, keyOff: u32, valOff: u32, len: u32, hash: u32): bool {
  if (!pushKey(keyOff, valOff, len, hash)) return fail(FAIL_MEMORY, 0)
  store<u64>(f + F_BLOOM, load<u64>(f + F_BLOOM) | ((<u64>1) << <u64>(hash & 63)))
  const count = load<u32>(f + F_COUNT) + 1
  store<u32>(f + F_COUNT, count)
  const slots = load<u32>(f + F_INDEX_SLOTS)
  if (slots == 0) {
    if (count >= INDEX_FROM) return buildIndex(f, 128)
    return true
  }
  if (count * 2 > slots) return buildIndex(f, slots * 2)
  insertSlot(indexes + <usize>load<u32>(f + F_INDEX), slots, keyTop - 1, hash)
  return true
}

@inline function insertSlot(table: usize, slots: u32, key: u32, hash: u32): void {
  const mask = slots - 1
  let s = mix(hash) & mask
  while (load<u32>(table + (<usize>s << 2)) != 0) s = (s + 1) & mask
  store<u32>(table + (<usize>s << 2), key + 1)
}

/** (Re)builds object `f`'s index with `slots` slots at the top of the index stack (f is innermost). */
function buildIndex(f: usize, slots: u32): bool {
  const at: usize = load<u32>(f + F_INDEX_SLOTS) != 0 ? <usize>load<u32>(f + F_INDEX) : indexTop
  const bytes = <usize>slots << 2
  if (at + bytes > indexesCap) {
    let cap: usize = indexesCap < 4096 ? 4096 : indexesCap * 2
    while (cap < at + bytes) cap *= 2
    const p = grow(indexes, cap, at)
    if (p == 0) return fail(FAIL_MEMORY, 0)
    indexes = p
    indexesCap = cap
  }
  const table = indexes + at
  memory.fill(table, 0, bytes)
  for (let i = load<u32>(f + F_KEYBASE); i < keyTop; i++) insertSlot(table, slots, i, load<u32>(keys + <usize>i * KEY + K_HASH))
  store<u32>(f + F_INDEX, <u32>at)
  store<u32>(f + F_INDEX_SLOTS, slots)
  indexTop = at + bytes
  return true
}

/**
 * Replaces the value of key j (of the innermost open object) by the `newLen` bytes at `src`.
 * `inOutput`: the new value is the tail of the output, after the current pair starting at offset
 * `pairOff`, which is dropped; else it comes from elsewhere and nothing is dropped. Returns the
 * new output end, or 0 (no memory).
 */
function replaceValue(j: u32, o: usize, src: usize, newLen: usize, pairOff: u32, inOutput: bool): usize {
  const k = keys + <usize>j * KEY
  const oldVal = <usize>load<u32>(k + K_VAL)
  const oldEnd: usize = j + 1 < keyTop ? <usize>load<u32>(k + KEY + K_KEY) : inOutput ? <usize>pairOff : o - outBase
  const tailEnd: usize = inOutput ? <usize>pairOff : o - outBase
  const oldLen = oldEnd - oldVal
  if (inOutput) {
    // The new value sits after the tail: keep a copy while the tail moves.
    const tmp = scratch(newLen)
    if (tmp == 0 && newLen > 0) {
      fail(FAIL_MEMORY, 0)
      return 0
    }
    memory.copy(tmp, src, newLen)
    src = tmp
  } else if (newLen > oldLen && o + (newLen - oldLen) > outLimit) {
    o = outGrow(o, newLen - oldLen)
    if (o == 0) return 0
  }
  const base = outBase
  memory.copy(base + oldVal + newLen, base + oldEnd, tailEnd - oldEnd)
  memory.copy(base + oldVal, src, newLen)
  const delta = <i32>newLen - <i32>oldLen
  for (let i = j + 1; i < keyTop; i++) {
    const e = keys + <usize>i * KEY
    store<u32>(e + K_KEY, <u32>(<i32>load<u32>(e + K_KEY) + delta))
    store<u32>(e + K_VAL, <u32>(<i32>load<u32>(e + K_VAL) + delta))
  }
  return base + oldVal + newLen + (tailEnd - oldEnd)
}

/** Appends the extra pairs to the record object of frame `f` (last wins over its own keys). */
function appendExtras(f: usize, o: usize): usize {
  for (let i: u32 = 0; i < extrasCount; i++) {
    const x = extrasTable + <usize>i * EXTRA
    const len = load<u32>(x + X_LEN)
    const hash = load<u32>(x + X_HASH)
    const val = <usize>load<u32>(x + X_VAL)
    const valEnd = <usize>load<u32>(x + X_END)
    const j = lookupKey(f, <usize>load<u32>(x + X_KEY), len, hash)
    if (j >= 0) {
      o = replaceValue(<u32>j, o, val, valEnd - val, 0, false)
      if (o == 0) return 0
      continue
    }
    const pair = <usize>load<u32>(x + X_PAIR)
    const n = valEnd - pair
    if (o + n > outLimit) {
      o = outGrow(o, n)
      if (o == 0) return 0
    }
    const keyOff = <u32>(o - outBase)
    memory.copy(o, pair, n)
    if (!addKey(f, keyOff, keyOff + <u32>(val - pair), len, hash)) return 0
    o += n
  }
  return o
}

/** Closes frame `f` (the innermost) at output `o`: writes its header. Returns the new end, or 0. */
function close(f: usize, o: usize, recordTop: bool): usize {
  const kind = load<u32>(f + F_KIND)
  if (recordTop && extrasCount > 0) {
    o = appendExtras(f, o)
    if (o == 0) return 0
  }
  const count = load<u32>(f + F_COUNT)
  if (kind == KIND_OBJECT) {
    keyTop = load<u32>(f + F_KEYBASE)
    if (load<u32>(f + F_INDEX_SLOTS) != 0) indexTop = <usize>load<u32>(f + F_INDEX)
  }
  let head = outBase + <usize>load<u32>(f + F_HEAD)
  const base: u32 = kind == KIND_OBJECT ? 0x80 : 0x90
  if (count < 16) {
    store<u8>(head, <u8>(base | count))
    return o
  }
  const h: usize = count < 0x10000 ? 3 : 5
  if (o + h > outLimit) {
    o = outGrow(o, h)
    if (o == 0) return 0
    head = outBase + <usize>load<u32>(f + F_HEAD)
  }
  memory.copy(head + h, head + 1, o - head - 1)
  if (h == 3) {
    store<u8>(head, kind == KIND_OBJECT ? 0xde : 0xdc)
    store<u16>(head + 1, bswap<u16>(<u16>count))
  } else {
    store<u8>(head, kind == KIND_OBJECT ? 0xdf : 0xdd)
    store<u32>(head + 1, bswap<u32>(count))
  }
  return o + h - 1
}
