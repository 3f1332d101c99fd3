/**
 * @module Lossless JSON reading for samples: integers outside JavaScript's safe range come back
 * as bigint (exact), never rounded through a double. Text without such integers takes the native
 * `JSON.parse` path; only values that have one go through the small parser below.
 */

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

const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

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
  const reader = new Reader(text)
  reader.space()
  const value = reader.value()
  reader.space()
  if (reader.pos < text.length) reader.fail('unexpected text after the JSON value')
  return value
}

class Reader {
  pos = 0

  constructor(private readonly text: string) {}

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

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    this.pos++
    this.space()
    if (this.text[this.pos] === '}') {
      this.pos++
      return out
    }
    for (;;) {
      this.space()
      if (this.text[this.pos] !== '"') this.fail('expected a string key')
      const key = this.string()
      this.space()
      if (this.text[this.pos] !== ':') this.fail("expected ':'")
      this.pos++
      this.space()
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true })
      this.space()
      const c = this.text[this.pos++]
      if (c === '}') return out
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

  private number(): number | bigint {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400))
    if (m === null) return this.fail('invalid number')
    this.pos += m[0].length
    if (m[1] !== undefined || m[2] !== undefined) return Number(m[0])
    const n = Number(m[0])
    if (n >= -(2 ** 31) && n < 2 ** 32) return n
    const big = BigInt(m[0])
    return big >= INT64_MIN && big <= UINT64_MAX ? big : n
  }
}
