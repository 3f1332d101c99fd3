/**
 * @module The bounds-checked msgpack header reader shared by the framer and the entry walker.
 *
 * `readHead(p)` reads the header of the object at `p`, whose slot has already been taken off
 * `pending`, and applies the scan-order rules of docs/core-abi.md §1.1. It never reads outside
 * `[.., avail)` and never traps: on a stop it sets `status` (and `need` / `errorOffset`) and returns
 * false. In region mode (inside a packed payload whose bytes are all present) every stop is INVALID
 * at the header byte.
 *
 * The reader's state lives in module globals: the core is single-threaded and every exported call
 * sets it up before use.
 */

import { STATUS_OK, STATUS_NEED_MORE, STATUS_FRAME_TOO_LARGE, STATUS_INVALID } from '../abi'
import { K_NIL, K_BOOL, K_UINT, K_INT, K_FLOAT, K_STR, K_BIN, K_EXT, K_ARRAY, K_MAP } from './format'

/** Where a message may end at most (start + maxFrame), or the region end. */
export let limit: u64 = 0
/** End of the bytes available. */
export let avail: usize = 0
/** Inside a complete packed payload: every stop is INVALID at the header. */
export let region: bool = false
/** Objects still owed by the open containers, not counting the one being read. */
export let pending: u64 = 0

export let status: i32 = STATUS_OK
export let need: u64 = 0
export let errorOffset: usize = 0

// The header just read.
export let hKind: i32 = 0
export let hStart: usize = 0
/** First payload byte (str/bin/ext data, or the value bytes of a number). */
export let hPayload: usize = 0
/** End of the object for scalars; end of the header for containers. */
export let hEnd: usize = 0
/** Elements owed by a container (maps count keys and values). */
export let hCount: u64 = 0
/** The ext type byte, for K_EXT. */
export let hExtType: i32 = 0

export function setup(limitAt: u64, availAt: usize, inRegion: bool): void {
  limit = limitAt
  avail = availAt
  region = inRegion
  pending = 0
  status = STATUS_OK
  need = 0
  errorOffset = 0
}

function stop(s: i32, p: usize, leastEnd: u64): bool {
  if (region) {
    status = STATUS_INVALID
    errorOffset = p
  } else {
    status = s
    if (s == STATUS_NEED_MORE) need = leastEnd + pending
    if (s == STATUS_INVALID) errorOffset = p
  }
  return false
}

@inline function be16(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p))
}

@inline function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p))
}

/** Reads the header at `p` (rules 1–5 of §1.1). */
export function readHead(p: usize): bool {
  if (<u64>p >= limit) return stop(STATUS_FRAME_TOO_LARGE, p, 0)
  if (p >= avail) return stop(STATUS_NEED_MORE, p, <u64>p + 1)
  const b = <u32>load<u8>(p)
  hStart = p
  let head: usize = 1
  let len: usize = 0
  let count: u64 = 0
  let kind: i32
  if (b < 0x80) {
    kind = K_UINT
  } else if (b < 0x90) {
    kind = K_MAP
    count = <u64>(b & 15) << 1
  } else if (b < 0xa0) {
    kind = K_ARRAY
    count = <u64>(b & 15)
  } else if (b < 0xc0) {
    kind = K_STR
    len = b & 31
  } else if (b >= 0xe0) {
    kind = K_INT
  } else {
    switch (b) {
      case 0xc0: kind = K_NIL; break
      case 0xc1: return stop(STATUS_INVALID, p, 0)
      case 0xc2: case 0xc3: kind = K_BOOL; break
      case 0xc4: case 0xc5: case 0xc6: {
        kind = K_BIN
        head = b == 0xc4 ? 2 : b == 0xc5 ? 3 : 5
        break
      }
      case 0xc7: kind = K_EXT; head = 3; break
      case 0xc8: kind = K_EXT; head = 4; break
      case 0xc9: kind = K_EXT; head = 6; break
      case 0xca: kind = K_FLOAT; len = 4; break
      case 0xcb: kind = K_FLOAT; len = 8; break
      case 0xcc: kind = K_UINT; len = 1; break
      case 0xcd: kind = K_UINT; len = 2; break
      case 0xce: kind = K_UINT; len = 4; break
      case 0xcf: kind = K_UINT; len = 8; break
      case 0xd0: kind = K_INT; len = 1; break
      case 0xd1: kind = K_INT; len = 2; break
      case 0xd2: kind = K_INT; len = 4; break
      case 0xd3: kind = K_INT; len = 8; break
      case 0xd4: kind = K_EXT; head = 2; len = 1; break
      case 0xd5: kind = K_EXT; head = 2; len = 2; break
      case 0xd6: kind = K_EXT; head = 2; len = 4; break
      case 0xd7: kind = K_EXT; head = 2; len = 8; break
      case 0xd8: kind = K_EXT; head = 2; len = 16; break
      case 0xd9: kind = K_STR; head = 2; break
      case 0xda: kind = K_STR; head = 3; break
      case 0xdb: kind = K_STR; head = 5; break
      case 0xdc: kind = K_ARRAY; head = 3; break
      case 0xdd: kind = K_ARRAY; head = 5; break
      case 0xde: kind = K_MAP; head = 3; break
      default: kind = K_MAP; head = 5; break // 0xdf
    }
    if (head > 1) {
      if (p + head > avail) return stop(STATUS_NEED_MORE, p, <u64>p + head)
      switch (b) {
        case 0xc4: case 0xd9: len = load<u8>(p + 1); break
        case 0xc5: case 0xda: len = be16(p + 1); break
        case 0xc6: case 0xdb: len = be32(p + 1); break
        case 0xc7: len = load<u8>(p + 1); break
        case 0xc8: len = be16(p + 1); break
        case 0xc9: len = be32(p + 1); break
        case 0xdc: count = <u64>be16(p + 1); break
        case 0xdd: count = <u64>be32(p + 1); break
        case 0xde: count = <u64>be16(p + 1) << 1; break
        case 0xdf: count = <u64>be32(p + 1) << 1; break
        default: break
      }
      if (kind == K_EXT) hExtType = <i32>load<i8>(p + head - 1)
    }
  }
  hKind = kind
  hPayload = p + head
  hCount = count
  if (kind >= K_ARRAY) {
    const q = <u64>p + head
    pending += count
    if (q + pending > limit) return stop(STATUS_FRAME_TOO_LARGE, p, 0)
    hEnd = p + head
    return true
  }
  const q = <u64>p + head + len
  if (q > limit) return stop(STATUS_FRAME_TOO_LARGE, p, 0)
  if (q > <u64>avail) return stop(STATUS_NEED_MORE, p, q)
  hEnd = <usize>q
  return true
}

/**
 * Skips the rest of the object whose header was just read (a container's elements). Returns the
 * end of the object, or 0 on a stop.
 */
export function finish(afterHeader: usize, count: u64): usize {
  const target = pending - count
  let p = afterHeader
  while (pending > target) {
    pending--
    if (!readHead(p)) return 0
    p = hEnd
  }
  return p
}

/** Reads and skips one whole object at `p` (its slot already off `pending`). Returns its end, or 0. */
export function skip(p: usize): usize {
  if (!readHead(p)) return 0
  if (hKind < K_ARRAY) return hEnd
  return finish(hEnd, hCount)
}

/** Big-endian loads for the value readers. */
export function loadBe16(p: usize): u32 { return be16(p) }
export function loadBe32(p: usize): u32 { return be32(p) }
