/**
 * @module Ruby's `String#scrub('?')` on UTF-8 bytes (filter_parser's `replace_invalid_sequence`):
 * each maximal invalid subsequence — a byte that cannot start a character, or the start of a
 * character cut short — becomes one `?`; valid characters are kept as they are.
 */

const QUESTION = 0x3f

/** The length of the valid UTF-8 character at `i`, or -(bytes of its invalid start) when there is none. */
function charAt(b: Uint8Array, i: number, end: number): number {
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
  let j = 1
  for (; j <= need; j++) {
    if (i + j >= end) return -j
    const d = b[i + j]
    if (j === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return -j
  }
  return need + 1
}

/** Whether the bytes are all valid UTF-8. */
export function isUtf8(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; ) {
    const n = charAt(b, i, end)
    if (n < 0) return false
    i += n
  }
  return true
}

/** The bytes with every invalid sequence replaced by `?`. */
export function scrub(b: Uint8Array, start: number, end: number): Uint8Array {
  const out: number[] = []
  for (let i = start; i < end; ) {
    const n = charAt(b, i, end)
    if (n > 0) {
      for (let k = 0; k < n; k++) out.push(b[i + k])
      i += n
    } else {
      out.push(QUESTION)
      i += -n
    }
  }
  return Uint8Array.from(out)
}
