/**
 * @module Ruby's `String#scrub('?')` on UTF-8 bytes (filter_parser's `replace_invalid_sequence`):
 * each maximal invalid subsequence — a byte that cannot start a character, or the start of a
 * character cut short — becomes one `?`; valid characters are kept as they are.
 */

import { utf8CharAt } from '../../records/utf8.ts'

const QUESTION = 0x3f

/** The bytes with every invalid sequence replaced by `?`. */
export function scrub(b: Uint8Array, start: number, end: number): Uint8Array {
  const out: number[] = []
  for (let i = start; i < end; ) {
    const n = utf8CharAt(b, i, end)
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
