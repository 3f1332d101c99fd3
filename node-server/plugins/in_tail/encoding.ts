/**
 * @module `encoding` / `from_encoding`, as Fluentd ≥ 1.19 intends them (fluentd#4863, PR #5010).
 * sluice's records hold UTF-8 text, which is where Fluentd's own strings end up too: msgpack-ruby
 * writes a string labelled with another encoding transcoded to UTF-8. So:
 * - neither set: the bytes are passed as read (the parser sees raw bytes);
 * - `encoding X` alone: the file is X. UTF-8, US-ASCII and ASCII-8BIT lines pass as read (a label
 *   only); any other X is decoded to UTF-8 (Fluentd relabels the bytes, and its msgpack writer then
 *   transcodes them to UTF-8: the same text);
 * - `from_encoding Y` + `encoding X`: the file is Y, converted to X with replacement of invalid bytes
 *   (U+FFFD) and, for an ASCII or ISO-8859-1 target, `?` for characters X cannot hold; then UTF-8.
 * Fluentd 1.18 has a bug we do not reproduce: `encoding` alone converted from ASCII-8BIT, so every
 * non-ASCII byte became U+FFFD (`café` → `caf��`).
 * Lines are split on the byte 0x0A, so only ASCII-compatible encodings are accepted (UTF-16 and
 * UTF-32 files are refused with a config error).
 */

/** Turns one line's bytes into the UTF-8 bytes the parser gets. */
export type LineTranscoder = (bytes: Uint8Array, start: number, end: number) => Uint8Array

interface EncodingInfo {
  /** Ruby's canonical name, for messages. */
  name: string
  /** How to decode it to text: a TextDecoder label, or a special decoder. */
  decode: 'utf-8' | 'ascii' | 'binary' | 'latin1' | string
  /** The characters it can hold, when it is not a Unicode encoding we pass through (for `?` replacement). */
  maxCodePoint?: number
}

/** Ruby encoding names (case-insensitive) → how sluice decodes them. */
const RUBY_ENCODINGS: Record<string, EncodingInfo> = {
  'utf-8': { name: 'UTF-8', decode: 'utf-8' },
  utf8: { name: 'UTF-8', decode: 'utf-8' },
  'us-ascii': { name: 'US-ASCII', decode: 'ascii', maxCodePoint: 0x7f },
  ascii: { name: 'US-ASCII', decode: 'ascii', maxCodePoint: 0x7f },
  'ascii-8bit': { name: 'ASCII-8BIT', decode: 'binary', maxCodePoint: 0x7f },
  binary: { name: 'ASCII-8BIT', decode: 'binary', maxCodePoint: 0x7f },
  'iso-8859-1': { name: 'ISO-8859-1', decode: 'latin1', maxCodePoint: 0xff },
  iso8859_1: { name: 'ISO-8859-1', decode: 'latin1', maxCodePoint: 0xff },
  latin1: { name: 'ISO-8859-1', decode: 'latin1', maxCodePoint: 0xff },
}

const WIDE = /^(utf-?16|utf-?32|ucs-?2|ucs-?4)/i

/** The encoding called `name` (Ruby's names: UTF-8, ISO-8859-1, Shift_JIS, Windows-31J, EUC-JP, GBK …), or an error. */
export function findEncoding(name: string): EncodingInfo {
  const key = name.trim().toLowerCase()
  const known = RUBY_ENCODINGS[key]
  if (known !== undefined) return known
  if (WIDE.test(key)) {
    throw new Error(
      `encoding ${name} is not supported: sluice splits lines on the byte 0x0A, so files must use an ASCII-compatible encoding`,
    )
  }
  const label = key === 'windows-31j' || key === 'cp932' || key === 'sjis' ? 'shift_jis' : key.replace(/^cp(\d+)$/, 'windows-$1')
  try {
    const decoder = new TextDecoder(label)
    return { name, decode: decoder.encoding }
  } catch {
    throw new Error(`unknown encoding ${JSON.stringify(name)}`)
  }
}

const encoder = new TextEncoder()

function decoderOf(info: EncodingInfo): (bytes: Uint8Array) => string {
  switch (info.decode) {
    case 'latin1':
      return (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')
    case 'ascii':
    case 'binary':
      // Bytes above 0x7f are invalid (US-ASCII) or undefined in Unicode (ASCII-8BIT): replaced.
      return (b) => {
        let s = ''
        for (let i = 0; i < b.length; i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\ufffd'
        return s
      }
    default: {
      const decoder = new TextDecoder(info.decode)
      return (b) => decoder.decode(b)
    }
  }
}

/** True when lines in this encoding are already what sluice wants (UTF-8 bytes, or a label only). */
function passThrough(info: EncodingInfo): boolean {
  return info.decode === 'utf-8' || info.decode === 'ascii' || info.decode === 'binary'
}

/**
 * The transcoder for a source's `encoding` / `from_encoding`, or null when lines pass as read.
 * Throws (a config error) for unknown or unsupported encodings and for `from_encoding` alone.
 */
export function lineTranscoder(
  encoding: string | null,
  fromEncoding: string | null,
  warn: (message: string) => void,
): LineTranscoder | null {
  if (encoding === null) {
    if (fromEncoding !== null) throw new Error("tail: 'from_encoding' parameter must be specified with 'encoding' parameter.")
    return null
  }
  const target = findEncoding(encoding)
  if (fromEncoding === null) {
    if (passThrough(target)) return null
    const decode = decoderOf(target)
    return (bytes, start, end) => encoder.encode(decode(bytes.subarray(start, end)))
  }
  const source = findEncoding(fromEncoding)
  if (source.decode === target.decode) {
    warn("'encoding' and 'from_encoding' are same encoding. No effect")
    return null
  }
  const decode = decoderOf(source)
  const max = target.maxCodePoint
  return (bytes, start, end) => {
    let text = decode(bytes.subarray(start, end))
    if (max !== undefined) {
      let out = ''
      for (const ch of text) out += ch.codePointAt(0)! > max ? '?' : ch
      text = out
    }
    return encoder.encode(text)
  }
}
