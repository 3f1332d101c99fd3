/**
 * @module Lossless JSON reading: integers outside JavaScript's safe range come back as bigint
 * (exact, never rounded through a double). Two shapes, one reader:
 * - `parseJsonLossless` (the preview's samples): plain objects; integers outside 32 bits are bigint
 *   (what @msgpack/msgpack needs to write them as integers);
 * - `parseJsonRecord` (parser_json): objects are `Map`s in the order the text wrote the keys (a
 *   plain object moves integer-like keys first), floats whose value is an integer (`1.0`, `1e3`)
 *   are `FloatValue`s so they stay msgpack floats, as Ruby's JSON parsers keep them.
 * Text without such cases takes the native `JSON.parse`; only the rest goes through the small
 * parser below.
 */

import { FloatValue } from '../parser/values.ts'

/** A JSON syntax error with the 0-based offset where reading stopped. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
    this.name = 'JsonSyntaxError'
  }
}

/** Integers of 10+ digits may be outside 32 bits; anything shorter never is. */
const LONG_INTEGER = /(?:^|[^\w."])-?\d{10,}(?![\d.eE])/

/**
 * Does the text hold what `JSON.parse` would not keep exactly for a record: an integer of 16+
 * digits (it may be unsafe), a float written with an exponent, a zero fraction or 16+ fraction
 * digits (its value may be integral), an integer-like key (a plain object moves it first)? One pass:
 * string contents are skipped with `indexOf`, numbers outside strings are looked at. Malformed text
 * answers true (the lossless reader reports the error with its offset).
 */
function needsLosslessReader(text: string): boolean {
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      let close = i
      for (;;) {
        close = text.indexOf('"', close + 1)
        if (close < 0) return true
        let slashes = 0
        for (let k = close - 1; text.charCodeAt(k) === 0x5c; k--) slashes++
        if (slashes % 2 === 0) break
      }
      const len = close - i - 1
      if (len > 0 && len <= 10 && (len === 1 || text.charCodeAt(i + 1) !== 0x30) && digitsUntil(text, i + 1) === close) {
        let k = close + 1
        while (k < n && isSpace(text.charCodeAt(k))) k++
        if (text.charCodeAt(k) === 0x3a) return true
      }
      i = close + 1
      continue
    }
    if (c >= 0x30 && c <= 0x39) {
      let j = digitsUntil(text, i)
      if (j - i >= 16) return true
      let next = text.charCodeAt(j)
      if (next === 0x2e) {
        const end = digitsUntil(text, j + 1)
        if (end - j - 1 >= 16) return true
        let zeros = true
        for (let k = j + 1; k < end; k++) if (text.charCodeAt(k) !== 0x30) zeros = false
        if (zeros) return true
        j = end
        next = text.charCodeAt(j)
      }
      if (next === 0x65 || next === 0x45) return true
      i = j
      continue
    }
    i++
  }
  return false
}

function digitsUntil(text: string, from: number): number {
  let j = from
  for (let c = text.charCodeAt(j); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++j));
  return j
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

interface Shape {
  maps: boolean
  /** Integers in [−limit, limit) stay numbers (beyond: bigint, when they fit 64 bits). */
  low: number
  high: number
}

const PREVIEW: Shape = { maps: false, low: -(2 ** 31), high: 2 ** 32 }
const RECORD: Shape = { maps: true, low: -(2 ** 53), high: 2 ** 53 }

/**
 * Parses JSON text. Integers outside [−2^31, 2^32) that fit msgpack's int64/uint64 are bigint
 * (so they are encoded as msgpack integers, exactly: @msgpack/msgpack with `useBigInt64` writes a
 * number ≥ 2^32 as a float64); larger ones stay (rounded) numbers, as msgpack cannot hold them.
 *
 * @example
 * parseJsonLossless('{"id": 18446744073709551615}') // { id: 18446744073709551615n }
 */
export function parseJsonLossless(text: string): unknown {
  if (!LONG_INTEGER.test(text)) {
    try {
      return JSON.parse(text)
    } catch (error) {
      // Fall through to our parser for a precise message and offset.
      void error
    }
  }
  return readAll(text, PREVIEW)
}

/**
 * Parses JSON text for a record: objects as ordered `Map`s (only the top level when the native
 * path was taken: nested objects then have no integer-like keys and keep their order), integral
 * floats as `FloatValue`, unsafe integers as bigint. Throws JsonSyntaxError (or SyntaxError).
 */
export function parseJsonRecord(text: string): unknown {
  if (!needsLosslessReader(text)) {
    const value = JSON.parse(text)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return new Map(Object.entries(value))
    if (Array.isArray(value))
      return value.map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? new Map(Object.entries(v)) : v))
    return value
  }
  return readAll(text, RECORD)
}

function readAll(text: string, shape: Shape): unknown {
  const reader = new Reader(text, shape)
  reader.space()
  const value = reader.value()
  reader.space()
  if (reader.pos < text.length) reader.fail('unexpected text after the JSON value')
  return value
}

class Reader {
  pos = 0

  constructor(
    private readonly text: string,
    private readonly shape: Shape,
  ) {}

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos}`, this.pos)
  }

  space(): void {
    const t = this.text
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      this.pos++
    }
  }

  value(): unknown {
    const c = this.text[this.pos]
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return this.string()
    if (c === '-' || (c >= '0' && c <= '9')) return this.number()
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true)
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false)
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null)
    return this.fail(c === undefined ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(c)}`)
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length
    return value
  }

  private object(): Record<string, unknown> | Map<string, unknown> {
    const map = this.shape.maps ? new Map<string, unknown>() : null
    const out: Record<string, unknown> = {}
    const set = (key: string, value: unknown) => {
      if (map !== null) map.set(key, value)
      else Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
    }
    this.pos++
    this.space()
    if (this.text[this.pos] === '}') {
      this.pos++
      return map ?? out
    }
    for (;;) {
      this.space()
      if (this.text[this.pos] !== '"') this.fail('expected a string key')
      const key = this.string()
      this.space()
      if (this.text[this.pos] !== ':') this.fail("expected ':'")
      this.pos++
      this.space()
      set(key, this.value())
      this.space()
      const c = this.text[this.pos++]
      if (c === '}') return map ?? out
      if (c !== ',') {
        this.pos--
        this.fail("expected ',' or '}'")
      }
    }
  }

  private array(): unknown[] {
    const out: unknown[] = []
    this.pos++
    this.space()
    if (this.text[this.pos] === ']') {
      this.pos++
      return out
    }
    for (;;) {
      this.space()
      out.push(this.value())
      this.space()
      const c = this.text[this.pos++]
      if (c === ']') return out
      if (c !== ',') {
        this.pos--
        this.fail("expected ',' or ']'")
      }
    }
  }

  private string(): string {
    const start = this.pos
    const end = this.findStringEnd(start + 1)
    try {
      return JSON.parse(this.text.slice(start, end + 1)) as string
    } catch {
      this.pos = start
      return this.fail('invalid string')
    } finally {
      this.pos = end + 1
    }
  }

  private findStringEnd(from: number): number {
    const t = this.text
    for (let i = from; i < t.length; i++) {
      const c = t.charCodeAt(i)
      if (c === 0x5c) i++
      else if (c === 0x22) return i
    }
    this.pos = t.length
    return this.fail('unterminated string')
  }

  private number(): number | bigint | FloatValue {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400))
    if (m === null) return this.fail('invalid number')
    this.pos += m[0].length
    if (m[1] !== undefined || m[2] !== undefined) {
      const x = Number(m[0])
      return this.shape.maps && Number.isInteger(x) ? new FloatValue(x) : x
    }
    const n = Number(m[0])
    if (n >= this.shape.low && n < this.shape.high) return n
    const big = BigInt(m[0])
    return big >= INT64_MIN && big <= UINT64_MAX ? big : n
  }
}
