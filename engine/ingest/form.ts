/**
 * @module Query strings, `application/x-www-form-urlencoded` and `multipart/form-data` bodies parsed
 * to BYTES per name (like Fluentd's ASCII-8BIT decode): a `msgpack=` field must survive exactly,
 * which URLSearchParams and FormData (UTF-8 text) do not guarantee. Repeated names: the last wins.
 */

const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

export type Params = Map<string, Uint8Array>

/** `a=1&b=%FF+x` → {a: "1", b: ff 20 78}; `+` is a space, bad `%` escapes stay as written. */
export function parseUrlEncoded(input: Uint8Array | string, into: Params = new Map()): Params {
  const bytes = typeof input === 'string' ? textEncoder.encode(input) : input
  let start = 0
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26 /* & */, start)
    if (end < 0) end = bytes.length
    if (end > start) {
      const eq = bytes.subarray(start, end).indexOf(0x3d /* = */)
      const rawName = eq < 0 ? bytes.subarray(start, end) : bytes.subarray(start, start + eq)
      const rawValue = eq < 0 ? new Uint8Array(0) : bytes.subarray(start + eq + 1, end)
      into.set(textDecoder.decode(unescapeForm(rawName)), unescapeForm(rawValue))
    }
    start = end + 1
  }
  return into
}

function unescapeForm(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length)
  let n = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === 0x2b) out[n++] = 0x20
    else if (b === 0x25 && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = (hexValue(bytes[i + 1]) << 4) | hexValue(bytes[i + 2])
      i += 2
    } else out[n++] = b
  }
  return out.subarray(0, n)
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66))
}

function hexValue(b: number): number {
  return b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10
}

/** The boundary of a `multipart/form-data; boundary=...` content type (quotes removed), or null. */
export function multipartBoundary(contentType: string): string | null {
  const m = /^multipart\/form-data;.*?\bboundary=("?)([^";]+)\1/i.exec(contentType)
  return m ? m[2] : null
}

/**
 * Parses a multipart body into its fields (each part's name → its raw bytes). Throws on a body
 * that does not contain the boundary framing.
 */
export function parseMultipart(body: Uint8Array, boundary: string, into: Params = new Map()): Params {
  const delimiter = textEncoder.encode(`--${boundary}`)
  let at = indexOf(body, delimiter, 0)
  if (at < 0) throw new Error('multipart body without its boundary')
  for (;;) {
    at += delimiter.length
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return into // closing "--boundary--"
    at = skipLineBreak(body, at)
    const next = indexOf(body, delimiter, at)
    if (next < 0) throw new Error('multipart body is not terminated by its closing boundary')
    // The part ends before the CRLF that precedes the next delimiter.
    let end = next
    if (body[end - 1] === 0x0a) end--
    if (body[end - 1] === 0x0d) end--
    const part = body.subarray(at, end)
    const headerEnd = findHeaderEnd(part)
    if (headerEnd === null) throw new Error('multipart part without a header block')
    const headers = textDecoder.decode(part.subarray(0, headerEnd.headers))
    const name = /content-disposition:[^\n]*?\bname=(?:"([^"]*)"|([^;\s]+))/i.exec(headers)
    if (name) into.set(name[1] ?? name[2], part.slice(headerEnd.body))
    at = next
  }
}

function skipLineBreak(b: Uint8Array, at: number): number {
  if (b[at] === 0x0d) at++
  if (b[at] === 0x0a) at++
  return at
}

function findHeaderEnd(part: Uint8Array): { headers: number; body: number } | null {
  for (let i = 0; i < part.length; i++) {
    if (part[i] === 0x0a && part[i + 1] === 0x0a) return { headers: i, body: i + 2 }
    if (part[i] === 0x0d && part[i + 1] === 0x0a && part[i + 2] === 0x0d && part[i + 3] === 0x0a) return { headers: i, body: i + 4 }
  }
  return null
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]
  for (let i = haystack.indexOf(first, from); i >= 0 && i + needle.length <= haystack.length; i = haystack.indexOf(first, i + 1)) {
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}
