/**
 * @module The small bounded msgpack codec of the Forward protocol's control messages: the
 * handshake (HELO, PING, PONG) and the server's answers (acks). Reading is incremental and
 * bounded: `readObject` finds the first complete object of a byte stream, keeps str and bin as RAW
 * bytes (nonces, salts, host names and chunk ids are hashed or echoed as they are), and reports
 * "need more" without consuming, or a reason when the bytes can never be such a message (broken
 * msgpack, deeper than a control message, longer than the cap). `ObjectStream` reads a stream of
 * such objects split anywhere. The hot-path framer (the core) is not used here: these are a few
 * small messages per connection or per chunk. Runtime-neutral (no Buffer, no node:*).
 */

/** A str or bin, kept as bytes. */
export class Raw {
  constructor(
    readonly bytes: Uint8Array,
    readonly kind: 'str' | 'bin',
  ) {}

  /** The bytes as UTF-8 text (invalid sequences replaced), for comparisons and logs. */
  text(): string {
    return textDecoder.decode(this.bytes)
  }
}

/** A decoded value. Map keys that are not str are dropped (handshake maps have str keys). */
export type Value = null | boolean | number | bigint | Raw | Value[] | Map<string, Value> | { ext: number }

export type ReadResult = { status: 'ok'; value: Value; end: number } | { status: 'more' } | { status: 'invalid'; reason: string }

const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

class NeedMore {}
class Invalid {
  constructor(readonly reason: string) {}
}
const MORE = new NeedMore()
const EMPTY = new Uint8Array(0)

/** Nesting deeper than this is not a handshake message. */
const MAX_DEPTH = 4

/**
 * Reads the first msgpack object of `bytes[start..]`. `maxBytes` caps the object's length: an
 * object that is (or announces to be) longer is `invalid`, whether or not all of it arrived.
 */
export function readObject(bytes: Uint8Array, start: number, maxBytes: number): ReadResult {
  const limit = Math.min(bytes.length, start + maxBytes)
  const cap = start + maxBytes
  let pos = start
  const need = (n: number): void => {
    if (pos + n > cap) throw new Invalid(`longer than ${maxBytes} bytes`)
    if (pos + n > limit) throw MORE
  }
  const u8 = (): number => {
    need(1)
    return bytes[pos++]
  }
  const uint = (n: number): number => {
    need(n)
    let v = 0
    for (let i = 0; i < n; i++) v = v * 256 + bytes[pos + i]
    pos += n
    return v
  }
  const take = (n: number): Uint8Array => {
    need(n)
    const out = new Uint8Array(bytes.subarray(pos, pos + n))
    pos += n
    return out
  }
  const value = (depth: number): Value => {
    if (depth > MAX_DEPTH) throw new Invalid('nested too deep for a handshake message')
    const b = u8()
    if (b <= 0x7f) return b
    if (b >= 0xe0) return b - 0x100
    if (b >= 0xa0 && b <= 0xbf) return new Raw(take(b & 0x1f), 'str')
    if (b >= 0x90 && b <= 0x9f) return list(b & 0x0f, depth)
    if (b >= 0x80 && b <= 0x8f) return dict(b & 0x0f, depth)
    switch (b) {
      case 0xc0:
        return null
      case 0xc2:
        return false
      case 0xc3:
        return true
      case 0xc4:
        return new Raw(take(uint(1)), 'bin')
      case 0xc5:
        return new Raw(take(uint(2)), 'bin')
      case 0xc6:
        return new Raw(take(uint(4)), 'bin')
      case 0xd9:
        return new Raw(take(uint(1)), 'str')
      case 0xda:
        return new Raw(take(uint(2)), 'str')
      case 0xdb:
        return new Raw(take(uint(4)), 'str')
      case 0xcc:
        return uint(1)
      case 0xcd:
        return uint(2)
      case 0xce:
        return uint(4)
      case 0xcf: {
        need(8)
        const v = new DataView(bytes.buffer, bytes.byteOffset + pos, 8).getBigUint64(0)
        pos += 8
        return v
      }
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3: {
        const n = 1 << (b - 0xd0)
        need(n)
        const view = new DataView(bytes.buffer, bytes.byteOffset + pos, n)
        pos += n
        return n === 1 ? view.getInt8(0) : n === 2 ? view.getInt16(0) : n === 4 ? view.getInt32(0) : view.getBigInt64(0)
      }
      case 0xca:
      case 0xcb: {
        const n = b === 0xca ? 4 : 8
        need(n)
        const view = new DataView(bytes.buffer, bytes.byteOffset + pos, n)
        pos += n
        return n === 4 ? view.getFloat32(0) : view.getFloat64(0)
      }
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return ext(1 << (b - 0xd4))
      case 0xc7:
        return ext(uint(1))
      case 0xc8:
        return ext(uint(2))
      case 0xc9:
        return ext(uint(4))
      case 0xdc:
        return list(uint(2), depth)
      case 0xdd:
        return list(uint(4), depth)
      case 0xde:
        return dict(uint(2), depth)
      case 0xdf:
        return dict(uint(4), depth)
      default:
        throw new Invalid(`byte 0x${b.toString(16)} is not msgpack`)
    }
  }
  const ext = (n: number): Value => {
    const type = u8()
    take(n)
    return { ext: type > 127 ? type - 256 : type }
  }
  const list = (n: number, depth: number): Value[] => {
    // Every element takes at least one byte: a count beyond the cap can never fit.
    if (pos + n > cap) throw new Invalid(`announces ${n} elements, longer than ${maxBytes} bytes`)
    const out: Value[] = []
    for (let i = 0; i < n; i++) out.push(value(depth + 1))
    return out
  }
  const dict = (n: number, depth: number): Map<string, Value> => {
    if (pos + 2 * n > cap) throw new Invalid(`announces ${n} pairs, longer than ${maxBytes} bytes`)
    const out = new Map<string, Value>()
    for (let i = 0; i < n; i++) {
      const k = value(depth + 1)
      const v = value(depth + 1)
      if (k instanceof Raw) out.set(k.text(), v)
    }
    return out
  }
  try {
    const v = value(0)
    return { status: 'ok', value: v, end: pos }
  } catch (err) {
    if (err === MORE) return { status: 'more' }
    if (err instanceof Invalid) return { status: 'invalid', reason: err.reason }
    throw err
  }
}

/** What `encode` writes: strings and `Raw` str as str, Uint8Array and `Raw` bin as bin. */
export type EncodeValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | Raw
  | readonly EncodeValue[]
  | { readonly [key: string]: EncodeValue }

/** Encodes a handshake message (smallest msgpack forms; integers must be 0..2^32-1). */
export function encode(value: EncodeValue): Uint8Array {
  const parts: Uint8Array[] = []
  const push = (...b: number[]): void => {
    parts.push(Uint8Array.from(b))
  }
  const header = (n: number, fix: number, small: number, big: number, fixMax: number): void => {
    if (n <= fixMax) push(fix | n)
    else if (n < 0x10000) push(small, n >> 8, n & 0xff)
    else push(big, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
  }
  const bytes = (data: Uint8Array, kind: 'str' | 'bin'): void => {
    const n = data.length
    if (kind === 'str') {
      if (n < 32) push(0xa0 | n)
      else if (n < 0x100) push(0xd9, n)
      else header(n, 0, 0xda, 0xdb, -1)
    } else if (n < 0x100) push(0xc4, n)
    else header(n, 0, 0xc5, 0xc6, -1)
    parts.push(data)
  }
  const write = (v: EncodeValue): void => {
    if (v === null) push(0xc0)
    else if (typeof v === 'boolean') push(v ? 0xc3 : 0xc2)
    else if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new Error(`cannot encode ${v} in a handshake message`)
      if (v < 0x80) push(v)
      else if (v < 0x100) push(0xcc, v)
      else if (v < 0x10000) push(0xcd, v >> 8, v & 0xff)
      else push(0xce, v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff)
    } else if (typeof v === 'string') bytes(textEncoder.encode(v), 'str')
    else if (v instanceof Raw) bytes(v.bytes, v.kind)
    else if (v instanceof Uint8Array) bytes(v, 'bin')
    else if (Array.isArray(v)) {
      header(v.length, 0x90, 0xdc, 0xdd, 15)
      for (const item of v) write(item)
    } else {
      const entries = Object.entries(v as { readonly [key: string]: EncodeValue })
      header(entries.length, 0x80, 0xde, 0xdf, 15)
      for (const [k, item] of entries) {
        write(k)
        write(item)
      }
    }
  }
  write(value)
  return concat(parts)
}

/** The parts joined into one array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Standard base64 of `bytes`. */
export function base64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i])
  return btoa(binary)
}

/** The first `n` bytes of `bytes` as base64, for "bad handshake" log lines. */
export function headBase64(bytes: Uint8Array, n = 48): string {
  return base64(bytes.subarray(0, n))
}

/**
 * A decoded value as JSON-like text for log lines and errors: str as text, bin as `bin:<base64>`,
 * maps as objects; cut to `max` characters.
 */
export function describeValue(value: Value, max = 200): string {
  const plain = (v: Value): unknown => {
    if (v instanceof Raw) return v.kind === 'str' ? v.text() : `bin:${base64(v.bytes)}`
    if (typeof v === 'bigint') return String(v)
    if (Array.isArray(v)) return v.map(plain)
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, item]) => [k, plain(item)]))
    return v
  }
  const text = JSON.stringify(plain(value)) ?? String(value)
  return text.length > max ? `${text.slice(0, max - 3)}...` : text
}

/**
 * Reads a stream of msgpack objects that arrives in pieces split anywhere (a server's answers on
 * one connection: HELO, PONG, acks). `push` appends bytes; `next` returns the next complete object
 * (consuming it), `more` when it has not all arrived, or `invalid` when the bytes can never be a
 * control message (broken, too deep, longer than `maxBytes` — also when only announced so).
 */
export class ObjectStream {
  private bytes: Uint8Array = EMPTY
  private start = 0
  private end = 0

  constructor(private readonly maxBytes: number) {}

  push(data: Uint8Array): void {
    if (data.length === 0) return
    if (this.start === this.end) {
      // Nothing kept: read the new bytes where they are (they are not written to by the caller).
      this.bytes = data
      this.start = 0
      this.end = data.length
      return
    }
    const kept = this.end - this.start
    const grown = new Uint8Array(kept + data.length)
    grown.set(this.bytes.subarray(this.start, this.end))
    grown.set(data, kept)
    this.bytes = grown
    this.start = 0
    this.end = grown.length
  }

  next(): ReadResult {
    const r = readObject(this.bytes.subarray(0, this.end), this.start, this.maxBytes)
    if (r.status === 'ok') this.start = r.end
    return r
  }

  /** Consumes `n` bytes read by the caller from `rest()`. */
  skip(n: number): void {
    this.start = Math.min(this.end, this.start + n)
  }

  /** The bytes received and not read yet (a view). */
  rest(): Uint8Array {
    return this.bytes.subarray(this.start, this.end)
  }

  /** How many bytes are received and not read yet. */
  get buffered(): number {
    return this.end - this.start
  }
}
