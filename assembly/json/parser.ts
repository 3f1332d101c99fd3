/**
 * @module A JSON parser handle: the settings one user of the transcoder keeps (in_http, a
 * `<parse> @type json`): nesting limit, record size limit, time mode, keep_time_key, the time key
 * and the extra pairs appended to every record (in_http's HTTP_* / QUERY_* / REMOTE_ADDR). The key
 * and the extras are copied into blocks the handle owns. A handle is a block of u32 fields.
 */

import { alloc, free, grow } from '../util/alloc'
import { keyHash } from '../util/bytes'
import { K_STR } from '../msgpack/format'
import * as reader from '../msgpack/reader'
import { EXTRA, X_KEY, X_LEN, X_HASH, X_PAIR, X_VAL, X_END } from './value'

const H_MAX_DEPTH: usize = 0
const H_MAX_RECORD: usize = 4
const H_TIME_MODE: usize = 8
const H_FLAGS: usize = 12
const H_KEY: usize = 16
const H_KEY_LEN: usize = 20
const H_EXTRAS: usize = 24
const H_EXTRAS_LEN: usize = 28
const H_EXTRAS_COUNT: usize = 32
const H_EXTRAS_TABLE: usize = 36
const HANDLE_SIZE: usize = 40

/** The deepest nesting a handle may allow (each level costs 48 bytes of stack frames). */
export const MAX_DEPTH_LIMIT: u32 = 100_000

@inline export function get(h: usize, f: usize): u32 { return load<u32>(h + f) }
@inline function set(h: usize, f: usize, v: u32): void { store<u32>(h + f, v) }

export function maxDepthOf(h: usize): u32 { return get(h, H_MAX_DEPTH) }
export function maxRecordOf(h: usize): u32 { return get(h, H_MAX_RECORD) }
export function timeModeOf(h: usize): i32 { return <i32>get(h, H_TIME_MODE) }
export function flagsOf(h: usize): i32 { return <i32>get(h, H_FLAGS) }
export function keyOf(h: usize): usize { return <usize>get(h, H_KEY) }
export function keyLenOf(h: usize): usize { return <usize>get(h, H_KEY_LEN) }
export function extrasTableOf(h: usize): usize { return <usize>get(h, H_EXTRAS_TABLE) }
export function extrasCountOf(h: usize): u32 { return get(h, H_EXTRAS_COUNT) }

/** A new handle; 0 for bad arguments (maxDepth 1 … MAX_DEPTH_LIMIT, timeMode 0 … 2) or no memory. */
export function create(maxDepth: u32, maxRecord: u32, timeMode: i32, flags: i32): usize {
  if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT || timeMode < 0 || timeMode > 2) return 0
  const h = alloc(HANDLE_SIZE)
  if (h == 0) return 0
  memory.fill(h, 0, HANDLE_SIZE)
  set(h, H_MAX_DEPTH, maxDepth)
  set(h, H_MAX_RECORD, maxRecord)
  set(h, H_TIME_MODE, <u32>timeMode)
  set(h, H_FLAGS, <u32>flags)
  return h
}

export function destroy(h: usize): void {
  if (h == 0) return
  free(<usize>get(h, H_KEY))
  free(<usize>get(h, H_EXTRAS))
  free(<usize>get(h, H_EXTRAS_TABLE))
  free(h)
}

/** Copies the time key (its UTF-8 bytes; empty: no time key). Returns 0, or −1 for no memory. */
export function setTimeKey(h: usize, ptr: usize, len: u32): i32 {
  const key = grow(<usize>get(h, H_KEY), len == 0 ? 1 : <usize>len, 0)
  if (key == 0) return -1
  memory.copy(key, ptr, len)
  set(h, H_KEY, <u32>key)
  set(h, H_KEY_LEN, len)
  return 0
}

/**
 * Copies the extra pairs, msgpack `key value key value …` with str keys, and indexes them.
 * Returns how many pairs there are, −1 for malformed bytes (nothing changes), −2 for no memory.
 */
export function setExtras(h: usize, ptr: usize, len: u32): i32 {
  // Validate first, counting the pairs.
  const end = ptr + <usize>len
  let p = ptr
  let count: u32 = 0
  while (p < end) {
    const keyEnd = readKey(p, end)
    if (keyEnd == 0) return -1
    const valueEnd = skipOne(keyEnd, end)
    if (valueEnd == 0) return -1
    p = valueEnd
    count++
  }
  const blob = grow(<usize>get(h, H_EXTRAS), len == 0 ? 1 : <usize>len, 0)
  if (blob == 0) return -2
  set(h, H_EXTRAS, <u32>blob)
  const table = grow(<usize>get(h, H_EXTRAS_TABLE), count == 0 ? 1 : <usize>count * EXTRA, 0)
  if (table == 0) return -2
  set(h, H_EXTRAS_TABLE, <u32>table)
  memory.copy(blob, ptr, len)
  const blobEnd = blob + <usize>len
  p = blob
  for (let i: u32 = 0; i < count; i++) {
    const keyEnd = readKey(p, blobEnd)
    const valueEnd = skipOne(keyEnd, blobEnd)
    const x = table + <usize>i * EXTRA
    const keyLen = keyEnd - keyPayload
    store<u32>(x + X_KEY, <u32>keyPayload)
    store<u32>(x + X_LEN, <u32>keyLen)
    store<u32>(x + X_HASH, keyHash(keyPayload, keyLen))
    store<u32>(x + X_PAIR, <u32>p)
    store<u32>(x + X_VAL, <u32>keyEnd)
    store<u32>(x + X_END, <u32>valueEnd)
    p = valueEnd
  }
  set(h, H_EXTRAS_LEN, len)
  set(h, H_EXTRAS_COUNT, count)
  return <i32>count
}

let keyPayload: usize = 0

/** Reads a str key at p; returns its end (keyPayload = its payload) or 0. */
function readKey(p: usize, end: usize): usize {
  reader.setup(<u64>end, end, true)
  if (!reader.readHead(p) || reader.hKind != K_STR) return 0
  keyPayload = reader.hPayload
  return reader.hEnd
}

/** Skips one whole msgpack object at p; returns its end or 0. */
function skipOne(p: usize, end: usize): usize {
  reader.setup(<u64>end, end, true)
  return reader.skip(p)
}
