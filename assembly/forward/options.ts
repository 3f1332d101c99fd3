/**
 * @module Reads a Forward option map (`size`, `chunk`, `compressed`, `fluent_signal`) whose header
 * was just read. Only str keys are recognized; the last valid occurrence wins.
 */

import { K_STR, K_UINT, K_INT } from '../msgpack/format'
import { readHead, finish, hKind, hStart, hPayload, hEnd, hCount, loadBe16, loadBe32 } from '../msgpack/reader'
import * as reader from '../msgpack/reader'
import {
  COMPRESSED_ABSENT, COMPRESSED_TEXT, COMPRESSED_GZIP, COMPRESSED_ZSTD, COMPRESSED_OTHER,
  MSG_HAS_SIZE, MSG_HAS_CHUNK,
} from '../abi'

export let optFlags: i32 = 0
export let optSize: u32 = 0
export let optChunkStart: usize = 0
export let optChunkEnd: usize = 0
export let optCompressed: i32 = COMPRESSED_ABSENT
export let optSignal: i32 = -1

const KEY_SIZE = memory.data<u8>([0x73, 0x69, 0x7a, 0x65])
const KEY_CHUNK = memory.data<u8>([0x63, 0x68, 0x75, 0x6e, 0x6b])
const KEY_COMPRESSED = memory.data<u8>([0x63, 0x6f, 0x6d, 0x70, 0x72, 0x65, 0x73, 0x73, 0x65, 0x64])
const KEY_SIGNAL = memory.data<u8>([0x66, 0x6c, 0x75, 0x65, 0x6e, 0x74, 0x5f, 0x73, 0x69, 0x67, 0x6e, 0x61, 0x6c])
const VAL_TEXT = memory.data<u8>([0x74, 0x65, 0x78, 0x74])
const VAL_GZIP = memory.data<u8>([0x67, 0x7a, 0x69, 0x70])
const VAL_ZSTD = memory.data<u8>([0x7a, 0x73, 0x74, 0x64])

const KEY_OTHER: i32 = 0
const KEY_IS_SIZE: i32 = 1
const KEY_IS_CHUNK: i32 = 2
const KEY_IS_COMPRESSED: i32 = 3
const KEY_IS_SIGNAL: i32 = 4

export function bytesEqual(a: usize, b: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false
  }
  return true
}

export function resetOptions(): void {
  optFlags = 0
  optSize = 0
  optChunkStart = 0
  optChunkEnd = 0
  optCompressed = COMPRESSED_ABSENT
  optSignal = -1
}

function keyOf(): i32 {
  if (hKind != K_STR) return KEY_OTHER
  const n = hEnd - hPayload
  if (n == 4 && bytesEqual(hPayload, KEY_SIZE, 4)) return KEY_IS_SIZE
  if (n == 5 && bytesEqual(hPayload, KEY_CHUNK, 5)) return KEY_IS_CHUNK
  if (n == 10 && bytesEqual(hPayload, KEY_COMPRESSED, 10)) return KEY_IS_COMPRESSED
  if (n == 13 && bytesEqual(hPayload, KEY_SIGNAL, 13)) return KEY_IS_SIGNAL
  return KEY_OTHER
}

/** The current int header's value as i64, and whether it is an int at all. */
let intValue: i64 = 0
function readInt(): bool {
  if (hKind != K_UINT && hKind != K_INT) return false
  const n = hEnd - hPayload
  const b = <u32>load<u8>(hStart)
  if (n == 0) { intValue = hKind == K_UINT ? <i64>b : <i64><i8><u8>b; return true }
  if (hKind == K_UINT) {
    if (n == 1) intValue = <i64>load<u8>(hPayload)
    else if (n == 2) intValue = <i64>loadBe16(hPayload)
    else if (n == 4) intValue = <i64>loadBe32(hPayload)
    else {
      const hi = loadBe32(hPayload)
      // Values above 2^63−1 saturate: every use clamps to 32 bits anyway.
      intValue = hi >= 0x8000_0000 ? i64.MAX_VALUE : ((<i64>hi << 32) | <i64>loadBe32(hPayload + 4))
    }
    return true
  }
  if (n == 1) intValue = <i64>load<i8>(hPayload)
  else if (n == 2) intValue = <i64><i16>loadBe16(hPayload)
  else if (n == 4) intValue = <i64><i32>loadBe32(hPayload)
  else intValue = (<i64><i32>loadBe32(hPayload) << 32) | <i64>loadBe32(hPayload + 4)
  return true
}

function compressedValue(): i32 {
  if (hKind != K_STR || hEnd - hPayload != 4) return COMPRESSED_OTHER
  if (bytesEqual(hPayload, VAL_TEXT, 4)) return COMPRESSED_TEXT
  if (bytesEqual(hPayload, VAL_GZIP, 4)) return COMPRESSED_GZIP
  if (bytesEqual(hPayload, VAL_ZSTD, 4)) return COMPRESSED_ZSTD
  return COMPRESSED_OTHER
}

/** Reads the option map whose header was just read. Returns its end, or 0 on a stop. */
export function parseOptionsAfterHead(): usize {
  let pairs = hCount >> 1
  let p = hEnd
  while (pairs > 0) {
    pairs--
    reader.pending--
    if (!readHead(p)) return 0
    const key = keyOf()
    p = hKind >= 8 ? finish(hEnd, hCount) : hEnd
    if (p == 0) return 0
    reader.pending--
    const valueStart = p
    if (!readHead(p)) return 0
    if (key == KEY_IS_SIZE) {
      if (readInt() && intValue >= 0) {
        optSize = intValue > 0xffff_ffff ? 0xffff_ffff : <u32>intValue
        optFlags |= MSG_HAS_SIZE
      }
    } else if (key == KEY_IS_COMPRESSED) {
      optCompressed = compressedValue()
    } else if (key == KEY_IS_SIGNAL) {
      optSignal = readInt() && intValue >= i32.MIN_VALUE && intValue <= i32.MAX_VALUE ? <i32>intValue : -1
    }
    p = hKind >= 8 ? finish(hEnd, hCount) : hEnd
    if (p == 0) return 0
    if (key == KEY_IS_CHUNK) {
      optChunkStart = valueStart
      optChunkEnd = p
      optFlags |= MSG_HAS_CHUNK
    }
  }
  return p
}
