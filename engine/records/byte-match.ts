/**
 * @module Byte-level equivalents of the simplest regexps, so grep can test a string field without
 * decoding it: a plain ASCII literal (`error`, `session opened`: a substring search on the UTF-8
 * bytes — ASCII bytes never occur inside multi-byte characters) and "any character" (`.`, `.+`:
 * some character that is not a line terminator). Each gives exactly the answer the compiled
 * RegExp gives on the decoded string (invalid UTF-8 decodes to U+FFFD, which neither changes).
 * Anything else returns null and is tested with the RegExp.
 */

export type ByteTest = (b: Uint8Array, start: number, len: number) => boolean

const METACHARS = /[\\^$.|?*+()[\]{}]/

/** A byte test equivalent to `regexp` on UTF-8 strings, or null when there is none. */
export function compileByteTest(regexp: RegExp): ByteTest | null {
  // parseRegexp always sets JS `m` (Ruby's line anchors); any other flag changes matching.
  if (regexp.flags !== 'm') return null
  const source = regexp.source
  if (source === '.' || source === '.+') return anyChar
  if (source === '' || source === '.*' || source === '(?:)') return () => true
  if (METACHARS.test(source) || !/^[\x20-\x7e]+$/.test(source)) return null
  const needle = new Uint8Array(source.length)
  for (let i = 0; i < source.length; i++) needle[i] = source.charCodeAt(i)
  return (b, start, len) => includes(b, start, start + len, needle)
}

/** Some character other than \n, \r, U+2028, U+2029 (what `.` matches without the s flag). */
function anyChar(b: Uint8Array, start: number, len: number): boolean {
  const end = start + len
  for (let i = start; i < end; i++) {
    const c = b[i]
    if (c === 0x0a || c === 0x0d) continue
    if (c === 0xe2 && i + 2 < end && b[i + 1] === 0x80 && (b[i + 2] === 0xa8 || b[i + 2] === 0xa9)) {
      i += 2
      continue
    }
    return true
  }
  return false
}

function includes(b: Uint8Array, start: number, end: number, needle: Uint8Array): boolean {
  const n = needle.length
  const first = needle[0]
  const last = end - n
  outer: for (let i = start; i <= last; i++) {
    if (b[i] !== first) continue
    for (let j = 1; j < n; j++) if (b[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}
