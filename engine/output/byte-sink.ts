/**
 * @module An append-only byte buffer that doubles when full: request bodies and JSON text written
 * byte by byte without intermediate strings (the out_http body encoder, the msgpack → JSON writer).
 */

const textEncoder = new TextEncoder()

/** An append-only byte buffer that doubles when full. */
export class ByteSink {
  bytes: Uint8Array
  length = 0

  constructor(capacity = 4096) {
    this.bytes = new Uint8Array(capacity)
  }

  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return
    let size = this.bytes.length * 2
    while (size < this.length + n) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.bytes.subarray(0, this.length))
    this.bytes = grown
  }

  byte(b: number): void {
    this.reserve(1)
    this.bytes[this.length++] = b
  }

  ascii(s: string): void {
    this.reserve(s.length)
    for (let i = 0; i < s.length; i++) this.bytes[this.length++] = s.charCodeAt(i)
  }

  copy(src: Uint8Array, start: number, end: number): void {
    this.reserve(end - start)
    this.bytes.set(src.subarray(start, end), this.length)
    this.length += end - start
  }

  /** Appends text as UTF-8. */
  utf8(text: string): void {
    this.reserve(text.length * 3)
    this.length += textEncoder.encodeInto(text, this.bytes.subarray(this.length)).written
  }

  /** The bytes written (a copy: the sink may be reused). */
  take(): Uint8Array {
    return this.bytes.slice(0, this.length)
  }

  /** The bytes written, without copying (valid while the sink is not written to). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length)
  }
}
