/**
 * @module The batch packer: appends entries (time + raw record bytes) to a chunk and seals it into
 * one Forward message — PackedForward `[tag, bin, {size, chunk?}]`, Forward `[tag, [entries],
 * {size, chunk?}]`, or a run of Message-mode `[tag, time, record]` — under byte and entry limits,
 * with EventTime or integer times (docs/core-abi.md §2).
 *
 * A packer is a block of i32 fields at a handle address. Its body sits after a header reserve in
 * one buffer so sealing writes the header in front of the body and the options after it: the
 * message comes out contiguous, without copying the entries again.
 */

import {
  PACK_PACKED, PACK_FORWARD, PACK_MESSAGE, PACK_OK, PACK_FULL, PACK_ENTRY_TOO_LARGE, PACK_BAD_ARGUMENT,
  PACK_NO_MEMORY, ENTRY_WORDS, E_SEC, E_NSEC, E_RECORD_START, E_RECORD_END, E_FLAGS, ENTRY_INVALID,
} from '../abi'
import { alloc, free, grow } from '../util/alloc'
import {
  uintSize, writeUint, strHeaderSize, writeStrHeader, binHeaderSize, writeBinHeader, arrayHeaderSize,
  writeArrayHeader, writeEventTime, writeBytes,
} from '../msgpack/writer'

const F_MODE: usize = 0
const F_TIME_INT: usize = 4
const F_BYTE_LIMIT: usize = 8
const F_ENTRY_LIMIT: usize = 12
const F_BUF: usize = 16
const F_BUF_CAP: usize = 20
const F_RESERVE: usize = 24
const F_BODY_LEN: usize = 28
const F_COUNT: usize = 32
const F_TAG: usize = 36
const F_TAG_LEN: usize = 40
const FIELDS_SIZE: usize = 48

/** Room kept after the body for the options map, besides the chunk id itself. */
const OPTIONS_ROOM: usize = 32
const INITIAL_BUFFER: usize = 16 * 1024

export let outPtr: usize = 0
export let outLen: usize = 0
export let lastStatus: i32 = PACK_OK

@inline function get(h: usize, f: usize): u32 { return load<u32>(h + f) }
@inline function set(h: usize, f: usize, v: u32): void { store<u32>(h + f, v) }

/** Creates a packer; returns its handle, or 0 for bad arguments / no memory. */
export function packerCreate(mode: i32, timeAsInteger: i32, byteLimit: u32, entryLimit: u32): usize {
  if (mode < PACK_PACKED || mode > PACK_MESSAGE || byteLimit == 0 || entryLimit == 0) return 0
  const h = alloc(FIELDS_SIZE)
  if (h == 0) return 0
  memory.fill(h, 0, FIELDS_SIZE)
  set(h, F_MODE, <u32>mode)
  set(h, F_TIME_INT, timeAsInteger != 0 ? 1 : 0)
  set(h, F_BYTE_LIMIT, byteLimit)
  set(h, F_ENTRY_LIMIT, entryLimit)
  set(h, F_RESERVE, <u32>reserveFor(<u32>mode, 0))
  return h
}

export function packerFree(h: usize): void {
  if (h == 0) return
  free(<usize>get(h, F_BUF))
  free(<usize>get(h, F_TAG))
  free(h)
}

function reserveFor(mode: u32, tagLen: usize): usize {
  // fixarray + str32 header + tag + bin32/array32 header.
  return mode == <u32>PACK_MESSAGE ? 0 : 1 + 5 + tagLen + 5
}

/** Sets the tag (copied). Only while the packer is empty. */
export function packerSetTag(h: usize, tagPtr: usize, tagLen: usize): i32 {
  if (get(h, F_COUNT) != 0) return PACK_BAD_ARGUMENT
  let tag = <usize>get(h, F_TAG)
  tag = grow(tag, tagLen == 0 ? 1 : tagLen, 0)
  if (tag == 0) return PACK_NO_MEMORY
  memory.copy(tag, tagPtr, tagLen)
  set(h, F_TAG, <u32>tag)
  set(h, F_TAG_LEN, <u32>tagLen)
  set(h, F_RESERVE, <u32>reserveFor(get(h, F_MODE), tagLen))
  set(h, F_BODY_LEN, 0)
  return PACK_OK
}

/** Makes room for `extra` more bytes after reserve + body (+ options room). */
function ensureRoom(h: usize, extra: usize): bool {
  const used = <usize>get(h, F_RESERVE) + <usize>get(h, F_BODY_LEN)
  const needed = used + extra + OPTIONS_ROOM
  if (needed <= <usize>get(h, F_BUF_CAP)) return true
  let cap = <usize>get(h, F_BUF_CAP)
  if (cap < INITIAL_BUFFER) cap = INITIAL_BUFFER
  while (cap < needed) cap *= 2
  const buf = grow(<usize>get(h, F_BUF), cap, used)
  if (buf == 0) return false
  set(h, F_BUF, <u32>buf)
  set(h, F_BUF_CAP, <u32>cap)
  return true
}

function timeSize(h: usize, sec: u32): usize {
  return get(h, F_TIME_INT) != 0 ? uintSize(sec) : 10
}

function writeTime(h: usize, p: usize, sec: u32, nsec: u32): usize {
  return get(h, F_TIME_INT) != 0 ? writeUint(p, sec) : writeEventTime(p, sec, nsec)
}

/** Appends one entry. PACK_OK, PACK_FULL (seal, then retry) or PACK_ENTRY_TOO_LARGE. */
export function packerAppend(h: usize, sec: u32, nsec: u32, recPtr: usize, recLen: usize): i32 {
  const mode = get(h, F_MODE)
  const count = get(h, F_COUNT)
  const bodyLen = <usize>get(h, F_BODY_LEN)
  const tagLen = <usize>get(h, F_TAG_LEN)
  let size: usize = 1 + timeSize(h, sec) + recLen
  if (mode == <u32>PACK_MESSAGE) size += strHeaderSize(tagLen) + tagLen
  if (count >= get(h, F_ENTRY_LIMIT)) return PACK_FULL
  if (bodyLen + size > <usize>get(h, F_BYTE_LIMIT)) return count == 0 ? PACK_ENTRY_TOO_LARGE : PACK_FULL
  if (!ensureRoom(h, size)) return PACK_NO_MEMORY
  let p = <usize>get(h, F_BUF) + <usize>get(h, F_RESERVE) + bodyLen
  if (mode == <u32>PACK_MESSAGE) {
    store<u8>(p, 0x93)
    p = writeStrHeader(p + 1, <u32>tagLen)
    p = writeBytes(p, <usize>get(h, F_TAG), tagLen)
  } else {
    store<u8>(p, 0x92)
    p++
  }
  p = writeTime(h, p, sec, nsec)
  memory.copy(p, recPtr, recLen)
  set(h, F_BODY_LEN, <u32>(bodyLen + size))
  set(h, F_COUNT, count + 1)
  return PACK_OK
}

/**
 * Appends `count` entries from an entry table starting at index `from`, skipping invalid ones and
 * replacing a zero time by `now`. Returns how many entries were consumed; `lastStatus` says why it
 * stopped early (PACK_FULL, PACK_ENTRY_TOO_LARGE, PACK_NO_MEMORY).
 */
export function packerAppendEntries(h: usize, table: usize, from: u32, count: u32, nowSec: u32, nowNsec: u32): u32 {
  lastStatus = PACK_OK
  let e = table + <usize>from * ENTRY_WORDS * 4
  for (let i: u32 = 0; i < count; i++) {
    if ((load<u32>(e + E_FLAGS * 4) & ENTRY_INVALID) == 0) {
      let sec = load<u32>(e + E_SEC * 4)
      let nsec = load<u32>(e + E_NSEC * 4)
      if (sec == 0) { sec = nowSec; nsec = nowNsec }
      const rec = <usize>load<u32>(e + E_RECORD_START * 4)
      const recLen = <usize>load<u32>(e + E_RECORD_END * 4) - rec
      const st = packerAppend(h, sec, nsec, rec, recLen)
      if (st != PACK_OK) { lastStatus = st; return i }
    }
    e += ENTRY_WORDS * 4
  }
  return count
}

export function packerCount(h: usize): u32 { return get(h, F_COUNT) }
export function packerBodyLen(h: usize): u32 { return get(h, F_BODY_LEN) }
export function packerBodyPtr(h: usize): usize { return <usize>get(h, F_BUF) + <usize>get(h, F_RESERVE) }

/** Empties the packer (keeps its tag and buffer). */
export function packerReset(h: usize): void {
  set(h, F_BODY_LEN, 0)
  set(h, F_COUNT, 0)
}

const KEY_SIZE = memory.data<u8>([0xa4, 0x73, 0x69, 0x7a, 0x65])
const KEY_CHUNK = memory.data<u8>([0xa5, 0x63, 0x68, 0x75, 0x6e, 0x6b])

/**
 * Seals the chunk into one message and empties the packer. The message is at `outPtr`, `outLen`
 * bytes, valid until the next call on this packer. `chunkLen > 0` adds `"chunk": <str>` (not in
 * Message mode). Returns the message length (0 for an empty packer) or a negative PACK_* code.
 */
export function packerSeal(h: usize, chunkPtr: usize, chunkLen: usize): i32 {
  const mode = get(h, F_MODE)
  const count = get(h, F_COUNT)
  const bodyLen = <usize>get(h, F_BODY_LEN)
  outPtr = 0
  outLen = 0
  if (mode == <u32>PACK_MESSAGE && chunkLen > 0) return PACK_BAD_ARGUMENT
  if (count == 0) return 0
  const body = packerBodyPtr(h)
  if (mode == <u32>PACK_MESSAGE) {
    outPtr = body
    outLen = bodyLen
    packerReset(h)
    return <i32>outLen
  }
  if (chunkLen > 0 && !ensureRoom(h, chunkLen + 5)) return PACK_NO_MEMORY
  const tagLen = <usize>get(h, F_TAG_LEN)
  const containerHeader = mode == <u32>PACK_PACKED ? binHeaderSize(bodyLen) : arrayHeaderSize(count)
  const headerLen: usize = 1 + strHeaderSize(tagLen) + tagLen + containerHeader
  const start = body - headerLen
  store<u8>(start, 0x93)
  let p = writeStrHeader(start + 1, <u32>tagLen)
  p = writeBytes(p, <usize>get(h, F_TAG), tagLen)
  p = mode == <u32>PACK_PACKED ? writeBinHeader(p, <u32>bodyLen) : writeArrayHeader(p, count)
  p = body + bodyLen
  store<u8>(p, chunkLen > 0 ? 0x82 : 0x81)
  p = writeBytes(p + 1, KEY_SIZE, 5)
  p = writeUint(p, count)
  if (chunkLen > 0) {
    p = writeBytes(p, KEY_CHUNK, 6)
    p = writeStrHeader(p, <u32>chunkLen)
    p = writeBytes(p, chunkPtr, chunkLen)
  }
  outPtr = start
  outLen = p - start
  packerReset(h)
  return <i32>outLen
}
