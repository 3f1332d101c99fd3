/**
 * @module Is a byte range well-formed UTF-8 (Unicode's table 3-7: no overlong forms, no surrogates,
 * nothing past U+10FFFF)? parser_json refuses other text as Oj does ("invalid byte sequence in
 * UTF-8"); the core's transcoder itself keeps any bytes. ASCII, the common case, costs one compare
 * per byte and no string.
 */

/** Below this many bytes the word-at-a-time ASCII scan is not worth its view. */
const WORD_SCAN_BYTES = 256

/** True when `b[start, end)` is well-formed UTF-8. */
export function isUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = end - start >= WORD_SCAN_BYTES ? asciiPrefix(b, start, end) : start
  while (i < end) {
    const c = b[i]
    if (c < 0x80) {
      i++
      continue
    }
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
    } else return false
    if (i + need >= end) return false
    const second = b[i + 1]
    if (second < lo || second > hi) return false
    for (let k = 2; k <= need; k++) {
      const next = b[i + k]
      if (next < 0x80 || next > 0xbf) return false
    }
    i += need + 1
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
