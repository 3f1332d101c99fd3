/**
 * @module Splits a byte stream into messages, as in_tcp and in_syslog read TCP and TLS:
 * - `traditional`: each message ends with a literal delimiter (not part of it; one that spans two
 *   reads is found too);
 * - `octet_count` (RFC 6587 §3.4.1): `MSG-LEN SP MSG`, MSG-LEN a decimal without leading zero
 *   (at most 10 digits); anything else is an error that ends the connection;
 * - `auto`: each message by its first bytes: `[1-9][0-9]* SP <` is octet counting, anything else
 *   a traditional message (a syslog message starts with `<`, so no valid stream is read wrongly).
 * Every message is bounded by `limit` bytes: a longer one is `dropped` (in_tcp) or `truncated`
 * to its first `limit` bytes (in_syslog, RFC 5424 §6.1); the bytes beyond the limit are never
 * held. Reads are kept as they arrive (no copies) until their message completes.
 */

export type FrameType = 'traditional' | 'octet_count' | 'auto'

export interface FramerOptions {
  type: FrameType
  /** Ends a traditional message (at least one byte). */
  delimiter: Uint8Array
  /** Most bytes of one message. */
  limit: number
  /** What a longer message becomes. */
  overflow: 'drop' | 'truncate'
}

export interface FrameHandler {
  /** A complete message: `bytes[start, end)`, valid only during the call. */
  message(bytes: Uint8Array, start: number, end: number): void
  /**
   * A message longer than the limit (`size` bytes): dropped, or truncated (then `message` got its
   * first `limit` bytes just before). `head` is its first bytes.
   */
  oversize(size: number, head: Uint8Array, action: 'dropped' | 'truncated'): void
}

const SP = 0x20
const LT = 0x3c
const ZERO = 0x30
const NINE = 0x39
const MAX_LENGTH_DIGITS = 10
const HEAD_BYTES = 48

type State = 'idle' | 'length' | 'space' | 'counted' | 'line'

export class Framer {
  private state: State = 'idle'
  /** Parts of the current message (views of the reads), at most `limit` bytes in all. */
  private parts: Uint8Array[] = []
  private stored = 0
  /** All bytes of the current message, also those beyond the limit. */
  private total = 0
  /** The last `delimiter.length - 1` bytes of the current message (a delimiter split across reads). */
  private readonly tail: Uint8Array
  private tailLength = 0
  /** octet counting: MSG-LEN read so far, its digits (kept for `auto`'s fallback), bytes still to read. */
  private length = 0
  private digits: number[] = []
  private remaining = 0
  /** Messages completed by the last `push`. */
  completed = 0
  /** The read being framed, and how many of the held parts are views of it. */
  private current: Uint8Array | null = null
  private views = 0

  constructor(private readonly options: FramerOptions) {
    if (options.delimiter.length === 0) throw new Error('the delimiter must not be empty')
    if (options.limit < 1) throw new Error('the message length limit must be at least 1 byte')
    this.tail = new Uint8Array(Math.max(0, options.delimiter.length - 1))
  }

  /** True while a message has started and is not complete. */
  get inMessage(): boolean {
    return this.state !== 'idle'
  }

  /** Bytes held of the unfinished message (for logs). */
  get pending(): number {
    return this.state === 'length' || this.state === 'space' ? this.digits.length : this.total
  }

  /** The first bytes of the unfinished message (for logs). */
  head(): Uint8Array {
    if (this.state === 'length' || this.state === 'space') return Uint8Array.from(this.digits)
    return this.joined(HEAD_BYTES)
  }

  /**
   * Frames one read. Calls the handler for every message it completes; returns an error (the
   * stream cannot be framed: octet counting broken) or null. After an error the framer is spent.
   */
  push(chunk: Uint8Array, handler: FrameHandler): string | null {
    this.completed = 0
    this.current = chunk
    this.views = 0
    const { type } = this.options
    let p = 0
    const n = chunk.length
    while (p < n) {
      switch (this.state) {
        case 'idle': {
          const b = chunk[p]
          this.state = type === 'octet_count' || (type === 'auto' && b > ZERO && b <= NINE) ? 'length' : 'line'
          this.length = 0
          this.digits.length = 0
          break
        }
        case 'length': {
          while (p < n && chunk[p] >= ZERO && chunk[p] <= NINE && this.digits.length < MAX_LENGTH_DIGITS) {
            this.digits.push(chunk[p])
            this.length = this.length * 10 + (chunk[p] - ZERO)
            p++
          }
          if (p === n) break
          const b = chunk[p]
          const valid = b === SP && this.digits.length > 0 && this.digits[0] !== ZERO
          if (valid) {
            p++
            this.state = type === 'auto' ? 'space' : 'counted'
            this.remaining = this.length
            if (this.state === 'counted' && this.remaining === 0) this.finish(handler)
            break
          }
          if (type === 'auto') {
            this.toLine()
            break
          }
          this.current = null
          return this.broken(b)
        }
        case 'space': {
          // auto: "digits SP" is octet counting only when a syslog message (`<PRI>`) follows.
          if (chunk[p] === LT) {
            this.state = 'counted'
            break
          }
          this.digits.push(SP)
          this.toLine()
          break
        }
        case 'counted': {
          const take = Math.min(this.remaining, n - p)
          this.add(chunk, p, p + take)
          p += take
          this.remaining -= take
          if (this.remaining === 0) this.finish(handler)
          break
        }
        case 'line':
          p = this.line(chunk, p, handler)
          break
      }
    }
    // Keep only what an unfinished message needs, not the whole read it came in.
    for (let i = this.parts.length - this.views; i < this.parts.length; i++) this.parts[i] = this.parts[i].slice()
    this.current = null
    this.views = 0
    return null
  }

  /** Drops what is held (the connection ended or is closing). */
  reset(): void {
    this.state = 'idle'
    this.clear()
    this.digits.length = 0
  }

  /** auto: the digits read so far start a traditional message. */
  private toLine(): void {
    this.state = 'line'
    const digits = Uint8Array.from(this.digits)
    this.digits.length = 0
    this.add(digits, 0, digits.length)
  }

  private broken(b: number): string {
    const seen = String.fromCharCode(...this.digits)
    this.reset()
    return `octet counting: expected MSG-LEN (digits, no leading zero) and a space, got ${JSON.stringify(seen + String.fromCharCode(b))}`
  }

  /** A traditional message: up to the delimiter. Returns the position after what it consumed. */
  private line(chunk: Uint8Array, p: number, handler: FrameHandler): number {
    const delimiter = this.options.delimiter
    const d = delimiter.length
    // A delimiter that began at the end of the previous read.
    if (d > 1 && this.tailLength > 0) {
      for (let k = Math.min(this.tailLength, d - 1); k >= 1; k--) {
        if (this.spans(chunk, p, k)) {
          this.trimEnd(k)
          this.finish(handler)
          return p + d - k
        }
      }
    }
    const at = indexOf(chunk, delimiter, p)
    if (at < 0) {
      this.add(chunk, p, chunk.length)
      return chunk.length
    }
    this.add(chunk, p, at)
    this.finish(handler)
    return at + d
  }

  /** Do the last `k` bytes of the message and the first `d - k` bytes at `chunk[p]` form the delimiter? */
  private spans(chunk: Uint8Array, p: number, k: number): boolean {
    const delimiter = this.options.delimiter
    const d = delimiter.length
    if (chunk.length - p < d - k) return false
    for (let i = 0; i < k; i++) if (this.tail[this.tailLength - k + i] !== delimiter[i]) return false
    for (let i = k; i < d; i++) if (chunk[p + i - k] !== delimiter[i]) return false
    return true
  }

  private add(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start
    if (n <= 0) return
    this.total += n
    const room = this.options.limit - this.stored
    if (room > 0) {
      const keep = Math.min(room, n)
      this.parts.push(bytes.subarray(start, start + keep))
      this.stored += keep
      if (bytes === this.current) this.views++
    }
    const t = this.tail.length
    if (t === 0) return
    if (n >= t) {
      this.tail.set(bytes.subarray(end - t, end))
      this.tailLength = t
    } else {
      const keep = Math.min(this.tailLength, t - n)
      this.tail.copyWithin(0, this.tailLength - keep, this.tailLength)
      this.tail.set(bytes.subarray(start, end), keep)
      this.tailLength = keep + n
    }
  }

  /** Removes the last `k` bytes of the message (the start of a delimiter). */
  private trimEnd(k: number): void {
    this.total -= k
    while (this.stored > this.total) {
      const last = this.parts[this.parts.length - 1]
      const cut = Math.min(last.length, this.stored - this.total)
      if (cut === last.length) this.parts.pop()
      else this.parts[this.parts.length - 1] = last.subarray(0, last.length - cut)
      this.stored -= cut
    }
  }

  private finish(handler: FrameHandler): void {
    const { limit, overflow } = this.options
    const total = this.total
    const bytes = this.joined(this.stored)
    this.state = 'idle'
    this.clear()
    this.completed++
    if (total <= limit) {
      handler.message(bytes, 0, bytes.length)
      return
    }
    if (overflow === 'truncate') handler.message(bytes, 0, bytes.length)
    handler.oversize(total, bytes.subarray(0, HEAD_BYTES), overflow === 'truncate' ? 'truncated' : 'dropped')
  }

  /** The first `n` stored bytes as one array (the part itself when there is one). */
  private joined(n: number): Uint8Array {
    if (this.parts.length === 1) return this.parts[0].subarray(0, n)
    const out = new Uint8Array(Math.min(n, this.stored))
    let at = 0
    for (const part of this.parts) {
      if (at >= out.length) break
      const take = Math.min(part.length, out.length - at)
      out.set(part.subarray(0, take), at)
      at += take
    }
    return out
  }

  private clear(): void {
    this.views = 0
    this.parts = []
    this.stored = 0
    this.total = 0
    this.tailLength = 0
  }
}

/** Position of `needle` in `hay` from `from`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  if (needle.length === 1) return hay.indexOf(needle[0], from)
  const first = needle[0]
  const last = hay.length - needle.length
  for (let i = hay.indexOf(first, from); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1
    while (j < needle.length && hay[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}
