/**
 * @module msgpack → JSON text without building objects (for formatters that write records as
 * JSON: out_file, stdout, the json formatter). Output follows Ruby's JSON.generate as Fluentd
 * writes it: 64-bit integers exact, floats with a fractional part (`1.0`), str and bin as UTF-8
 * strings, non-string map keys as their text, EventTime (ext 0) as its float seconds, other ext
 * types as null; NaN / Infinity (which Ruby refuses) as null.
 */

const decoder = new TextDecoder()

function floatText(x: number): string {
  if (!Number.isFinite(x)) return 'null'
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`
  return String(x)
}

class Reader {
  pos: number
  private readonly view: DataView

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new RangeError('truncated msgpack value')
  }

  private str(n: number): string {
    this.need(n)
    const s = decoder.decode(this.bytes.subarray(this.pos, this.pos + n))
    this.pos += n
    return s
  }

  private u(n: 1 | 2 | 4): number {
    this.need(n)
    const v = n === 1 ? this.view.getUint8(this.pos) : n === 2 ? this.view.getUint16(this.pos) : this.view.getUint32(this.pos)
    this.pos += n
    return v
  }

  /** One value as JSON text. */
  value(): string {
    this.need(1)
    const b = this.bytes[this.pos++]
    let text: string
    if (b <= 0x7f) text = String(b)
    else if (b >= 0xe0) text = String(b - 256)
    else if (b >= 0xa0 && b <= 0xbf) text = JSON.stringify(this.str(b & 0x1f))
    else if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f)
    else if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f)
    else {
      switch (b) {
        case 0xc0:
          text = 'null'
          break
        case 0xc2:
          text = 'false'
          break
        case 0xc3:
          text = 'true'
          break
        case 0xc4:
        case 0xd9:
          text = JSON.stringify(this.str(this.u(1)))
          break
        case 0xc5:
        case 0xda:
          text = JSON.stringify(this.str(this.u(2)))
          break
        case 0xc6:
        case 0xdb:
          text = JSON.stringify(this.str(this.u(4)))
          break
        case 0xca:
          this.need(4)
          text = floatText(this.view.getFloat32(this.pos))
          this.pos += 4
          break
        case 0xcb:
          this.need(8)
          text = floatText(this.view.getFloat64(this.pos))
          this.pos += 8
          break
        case 0xcc:
          text = String(this.u(1))
          break
        case 0xcd:
          text = String(this.u(2))
          break
        case 0xce:
          text = String(this.u(4))
          break
        case 0xcf:
          this.need(8)
          text = this.view.getBigUint64(this.pos).toString()
          this.pos += 8
          break
        case 0xd0:
          this.need(1)
          text = String(this.view.getInt8(this.pos))
          this.pos += 1
          break
        case 0xd1:
          this.need(2)
          text = String(this.view.getInt16(this.pos))
          this.pos += 2
          break
        case 0xd2:
          this.need(4)
          text = String(this.view.getInt32(this.pos))
          this.pos += 4
          break
        case 0xd3:
          this.need(8)
          text = this.view.getBigInt64(this.pos).toString()
          this.pos += 8
          break
        case 0xdc:
          return this.array(this.u(2))
        case 0xdd:
          return this.array(this.u(4))
        case 0xde:
          return this.map(this.u(2))
        case 0xdf:
          return this.map(this.u(4))
        case 0xd4:
          text = this.ext(1)
          break
        case 0xd5:
          text = this.ext(2)
          break
        case 0xd6:
          text = this.ext(4)
          break
        case 0xd7:
          text = this.ext(8)
          break
        case 0xd8:
          text = this.ext(16)
          break
        case 0xc7:
          text = this.ext(this.u(1))
          break
        case 0xc8:
          text = this.ext(this.u(2))
          break
        case 0xc9:
          text = this.ext(this.u(4))
          break
        default:
          throw new RangeError(`invalid msgpack byte 0x${b.toString(16)}`)
      }
    }
    return text
  }

  private ext(n: number): string {
    this.need(1 + n)
    const type = this.view.getInt8(this.pos)
    const at = this.pos + 1
    this.pos += 1 + n
    if (type === 0 && n === 8) return floatText(this.view.getUint32(at) + this.view.getUint32(at + 4) / 1e9).replace(/\.0$/, '')
    return 'null'
  }

  private array(n: number): string {
    const items: string[] = []
    for (let i = 0; i < n; i++) items.push(this.value())
    return `[${items.join(',')}]`
  }

  private map(n: number): string {
    const items: string[] = []
    for (let i = 0; i < n; i++) {
      let k = this.value()
      if (k.charCodeAt(0) !== 34) k = JSON.stringify(k) // a non-string key, as its text
      items.push(`${k}:${this.value()}`)
    }
    return `{${items.join(',')}}`
  }
}

/**
 * The JSON text of the msgpack value in `bytes[start, end)`.
 *
 * @example
 * msgpackToJson(encodeRecord({ k: 'v', n: 1.5 })) // '{"k":"v","n":1.5}'
 */
export function msgpackToJson(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return new Reader(bytes, start, end).value()
}
