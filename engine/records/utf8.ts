/**
 * @module Well-formed UTF-8 on bytes (Unicode's table 3-7: no overlong forms, no surrogates,
 * nothing past U+10FFFF): `utf8CharAt` measures one character (or the invalid start Ruby's scrub
 * replaces), `isUtf8` checks a range. parser_json refuses other text as Oj does ("invalid byte
 * sequence in UTF-8"), filter_parser scrubs it; the core's transcoder itself keeps any bytes.
 * ASCII, the common case, costs one compare per byte (four on long texts) and no string.
 */

/** Below this many bytes the word-at-a-time ASCII scan is not worth its view. */
const WORD_SCAN_BYTES = 256

/** The length of the valid UTF-8 character at `i`, or -(bytes of its invalid start) when there is none. */
export function utf8CharAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i]
  if (c < 0x80) return 1
  let need: number
  let lo = 0x80
  let hi = 0xbf
  if (c >= 0xc2 && c <= 0xdf) need = 1
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2
    if (c === 0xe0) lo = 0xa0
    else if (c === 0xed) hi = 0x9f
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3
    if (c === 0xf0) lo = 0x90
    else if (c === 0xf4) hi = 0x8f
  } else return -1
  for (let j = 1; j <= need; j++) {
    if (i + j >= end) return -j
    const d = b[i + j]
    if (j === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return -j
  }
  return need + 1
}

/** True when `b[start, end)` is well-formed UTF-8. */
export function isUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = end - start >= WORD_SCAN_BYTES ? asciiPrefix(b, start, end) : start
  while (i < end) {
    if (b[i] < 0x80) {
      i++
      continue
    }
    const n = utf8CharAt(b, i, end)
    if (n < 0) return false
    i += n
  }
  return true
}

/**
 * Where the ASCII run at the start of `b[start, end)` ends, at a 4-byte granularity: four bytes per
 * step through a Uint32Array over the same memory (one view per call, for long texts such as a
 * batch of lines). The byte-wise loop checks the rest.
 */
function asciiPrefix(b: Uint8Array, start: number, end: number): number {
  let i = start
  const offset = b.byteOffset
  while (i < end && ((offset + i) & 3) !== 0) {
    if (b[i] >= 0x80) return i
    i++
  }
  const words = (end - i) >>> 2
  const view = new Uint32Array(b.buffer, offset + i, words)
  let k = 0
  // Eight bytes per step: two words or-ed, one branch.
  for (; k + 1 < words; k += 2) if (((view[k] | view[k + 1]) & 0x80808080) !== 0) break
  for (; k < words; k++) if ((view[k] & 0x80808080) !== 0) break
  return i + 4 * k
}
