/**
 * @module The Forward stream framer: finds complete top-level messages in `[base+start, base+len)`,
 * describes each (mode, tag, entries, options, per-entry time and record ranges) in the message
 * table, and stops at the first incomplete, too large or malformed one (docs/core-abi.md §1).
 */

import {
  STATUS_OK, STATUS_INVALID, STATUS_MORE, STATUS_NEED_MORE, STATUS_NO_MEMORY,
  MODE_MESSAGE, MODE_FORWARD, MODE_PACKED, MODE_COMPRESSED, MODE_HEARTBEAT, MODE_NOT_ARRAY,
  COMPRESSED_GZIP, COMPRESSED_ZSTD,
  MSG_WORDS, M_START, M_END, M_MODE, M_FLAGS, M_TAG_START, M_TAG_END, M_ENTRIES_START, M_ENTRIES_END,
  M_SIZE, M_CHUNK_START, M_CHUNK_END, M_COMPRESSED, M_FIRST_ENTRY, M_ENTRY_COUNT, M_INVALID_COUNT,
  M_FLUENT_SIGNAL, MSG_TAG_VALID, MSG_HAS_OPTIONS, MSG_OPTIONS_INVALID,
  ENTRY_INVALID, REASON_TIME, REASON_RECORD,
} from '../abi'
import { K_NIL, K_STR, K_BIN, K_ARRAY, K_MAP, K_UINT, K_INT, K_EXT } from '../msgpack/format'
import * as reader from '../msgpack/reader'
import { readHead, finish } from '../msgpack/reader'
import * as entries from './entries'
import { parseEntryAfterHead, parseTimeAfterHead, parseMetaTimeFirstRead, lastTimeValid, lastTimeFlags, writeEntry, walkRegion, fastEntryEnd, fastSec, fastNsec, fastRecord } from './entries'
import { timeSec, timeNsec } from './time'
import * as options from './options'
import { parseOptionsAfterHead, resetOptions } from './options'

/** Messages described per call at most; the caller calls again from `consumed` (STATUS_MORE). */
export const MAX_MESSAGES: u32 = 1024
/** Entries described per call before stopping after a complete message (STATUS_MORE). */
export const ENTRY_SOFT_CAP: u32 = 65536

export let messagesPtr: usize = 0
export let messageCount: u32 = 0

// The message being framed.
let mStart: usize = 0
let mMode: i32 = 0
let mFlags: i32 = 0
let mTagStart: usize = 0
let mTagEnd: usize = 0
let mEntriesStart: usize = 0
let mEntriesEnd: usize = 0
let mFirstEntry: u32 = 0
let firstInvalid: u32 = 0

/** Frames one message at `s`. Returns its end, or 0 with reader.status set. */
function frameOne(s: usize, limit: u64): usize {
  reader.setup(limit, reader.avail, false)
  resetOptions()
  mStart = s
  mFlags = 0
  mTagStart = 0
  mTagEnd = 0
  mEntriesStart = s
  mEntriesEnd = s
  mFirstEntry = entries.tableCount
  if (!readHead(s)) return 0
  if (reader.hKind == K_NIL) {
    mMode = MODE_HEARTBEAT
    return reader.hEnd
  }
  if (reader.hKind != K_ARRAY) {
    mMode = MODE_NOT_ARRAY
    return reader.hKind == K_MAP ? finish(reader.hEnd, reader.hCount) : reader.hEnd
  }
  const n = reader.hCount
  let p = reader.hEnd
  let read: u64 = 0
  mMode = MODE_MESSAGE

  // Element 0: the tag.
  if (n >= 1) {
    read++
    reader.pending--
    if (!readHead(p)) return 0
    if (reader.hKind == K_STR) {
      mFlags |= MSG_TAG_VALID
      mTagStart = reader.hPayload
      mTagEnd = reader.hEnd
    }
    p = reader.hKind >= K_ARRAY ? finish(reader.hEnd, reader.hCount) : reader.hEnd
    if (p == 0) return 0
  }

  // Element 1 decides the mode.
  let messageTimeDone = false
  let payloadStart: usize = 0
  let payloadEnd: usize = 0
  const el1 = p
  if (n >= 2) {
    read++
    reader.pending--
    if (!readHead(p)) return 0
    const kind = reader.hKind
    if (kind == K_ARRAY) {
      const c = reader.hCount
      const q = reader.hEnd
      if (c == 0) {
        mMode = MODE_FORWARD
        mEntriesStart = q
        mEntriesEnd = q
        p = q
      } else {
        reader.pending--
        if (!readHead(q)) return 0
        const first = reader.hKind
        if (first == K_UINT || first == K_INT || first == K_EXT) {
          // v1.5 Message: [tag, [time, {metadata}...], record, option?]
          p = parseMetaTimeFirstRead(c)
          if (p == 0) return 0
          messageTimeDone = true
        } else {
          mMode = MODE_FORWARD
          mEntriesStart = q
          p = parseEntryAfterHead()
          if (p == 0) return 0
          // Later entries: the fast path when its result is certainly the exact reader's — the
          // entry ends within the bytes given and leaves room for every object still owed.
          const fastEnd: usize = limit < <u64>reader.avail ? <usize>limit : reader.avail
          for (let i: u64 = 1; i < c; i++) {
            reader.pending--
            const e = fastEntryEnd(p, fastEnd)
            if (e != 0 && <u64>e + reader.pending <= limit) {
              if (!writeEntry(fastSec, fastNsec, fastRecord, e, p, e, 0)) return 0
              p = e
              continue
            }
            if (!readHead(p)) return 0
            p = parseEntryAfterHead()
            if (p == 0) return 0
          }
          mEntriesEnd = p
        }
      }
    } else if (kind == K_STR || kind == K_BIN) {
      mMode = MODE_PACKED
      payloadStart = reader.hPayload
      payloadEnd = reader.hEnd
      mEntriesStart = payloadStart
      mEntriesEnd = payloadEnd
      p = payloadEnd
    } else {
      p = parseTimeAfterHead()
      if (p == 0) return 0
      messageTimeDone = true
    }
  }

  if (mMode == MODE_MESSAGE) {
    // Time is element 1 (parsed above when present); the record is element 2.
    const timeValid = messageTimeDone && lastTimeValid()
    const timeFlags = lastTimeFlags()
    const sec = timeSec
    const nsec = timeNsec
    let recStart = p
    let recEnd = p
    let isMap = false
    if (n >= 3) {
      read++
      reader.pending--
      if (!readHead(p)) return 0
      isMap = reader.hKind == K_MAP
      p = reader.hKind >= K_ARRAY ? finish(reader.hEnd, reader.hCount) : reader.hEnd
      if (p == 0) return 0
      recEnd = p
    }
    const entryStart = n >= 2 ? el1 : p
    mEntriesStart = entryStart
    mEntriesEnd = recEnd
    if (!timeValid) writeEntry(0, 0, recStart, recEnd, entryStart, recEnd, ENTRY_INVALID | (REASON_TIME << 8))
    else if (!isMap) writeEntry(0, 0, recStart, recEnd, entryStart, recEnd, ENTRY_INVALID | (REASON_RECORD << 8))
    else writeEntry(sec, nsec, recStart, recEnd, entryStart, recEnd, timeFlags)
  }

  // Options: element 3 in Message mode, element 2 otherwise.
  const optionIndex: u64 = mMode == MODE_MESSAGE ? 3 : 2
  if (n > optionIndex) {
    read++
    reader.pending--
    if (!readHead(p)) return 0
    if (reader.hKind == K_MAP) {
      mFlags |= MSG_HAS_OPTIONS
      p = parseOptionsAfterHead()
    } else {
      if (reader.hKind != K_NIL) mFlags |= MSG_OPTIONS_INVALID
      p = reader.hKind >= K_ARRAY ? finish(reader.hEnd, reader.hCount) : reader.hEnd
    }
    if (p == 0) return 0
  }
  if (n > read) {
    p = finish(p, n - read)
    if (p == 0) return 0
  }
  mFlags |= options.optFlags

  if (mMode == MODE_PACKED) {
    if (options.optCompressed == COMPRESSED_GZIP || options.optCompressed == COMPRESSED_ZSTD) {
      mMode = MODE_COMPRESSED
    } else {
      const savedAvail = reader.avail
      const ok = walkRegion(payloadStart, payloadEnd)
      reader.avail = savedAvail
      if (!ok) return 0
    }
  }
  return p
}

function writeMessage(end: usize): void {
  const m = messagesPtr + <usize>messageCount * MSG_WORDS * 4
  store<i32>(m + M_START * 4, <i32>mStart)
  store<i32>(m + M_END * 4, <i32>end)
  store<i32>(m + M_MODE * 4, mMode)
  store<i32>(m + M_FLAGS * 4, mFlags)
  store<i32>(m + M_TAG_START * 4, <i32>mTagStart)
  store<i32>(m + M_TAG_END * 4, <i32>mTagEnd)
  store<i32>(m + M_ENTRIES_START * 4, <i32>mEntriesStart)
  store<i32>(m + M_ENTRIES_END * 4, <i32>mEntriesEnd)
  store<i32>(m + M_SIZE * 4, <i32>options.optSize)
  store<i32>(m + M_CHUNK_START * 4, <i32>options.optChunkStart)
  store<i32>(m + M_CHUNK_END * 4, <i32>options.optChunkEnd)
  store<i32>(m + M_COMPRESSED * 4, options.optCompressed)
  store<i32>(m + M_FIRST_ENTRY * 4, <i32>mFirstEntry)
  store<i32>(m + M_ENTRY_COUNT * 4, <i32>(entries.tableCount - mFirstEntry))
  store<i32>(m + M_INVALID_COUNT * 4, <i32>(entries.tableInvalid - firstInvalid))
  store<i32>(m + M_FLUENT_SIGNAL * 4, options.optSignal)
  messageCount++
}

// Results of the last frame call.
export let resultStatus: i32 = STATUS_OK
export let resultConsumed: usize = 0
export let resultNeed: u64 = 0
export let resultErrorOffset: usize = 0

/**
 * Frames `[base+start, base+len)`. Messages go to the table at `messagesPtr` (room for MAX_MESSAGES),
 * entries to the current entry table (entries.useTable was called). Positions are addresses;
 * resultConsumed and resultErrorOffset are offsets from `base`; resultNeed is counted from the
 * pending message's start.
 */
export function frameRun(base: usize, start: usize, len: usize, maxFrame: u32): i32 {
  messageCount = 0
  reader.avail = base + len
  let s = base + start
  const end = base + len
  let st = STATUS_OK
  resultNeed = 0
  resultErrorOffset = 0
  while (true) {
    if (s >= end) { st = STATUS_OK; break }
    if (messageCount >= MAX_MESSAGES || entries.tableCount >= ENTRY_SOFT_CAP) { st = STATUS_MORE; break }
    const entryMark = entries.tableCount
    firstInvalid = entries.tableInvalid
    const stop = frameOne(s, <u64>s + <u64>maxFrame)
    if (stop == 0 || entries.outOfMemory) {
      entries.tableCount = entryMark
      entries.tableInvalid = firstInvalid
      st = entries.outOfMemory ? STATUS_NO_MEMORY : reader.status
      if (st == STATUS_NEED_MORE) resultNeed = reader.need - <u64>s
      if (st == STATUS_INVALID) resultErrorOffset = reader.errorOffset - base
      break
    }
    writeMessage(stop)
    s = stop
  }
  resultStatus = st
  resultConsumed = s - base
  return st
}
