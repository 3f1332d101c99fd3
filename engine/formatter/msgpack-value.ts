/**
 * @module Small readers over msgpack bytes shared by the formatters' writers (JSON, Ruby `to_s` /
 * `inspect`, map views): header classification, big-endian numbers without a DataView per call,
 * and string ranges. The bytes must be valid msgpack (event streams are, by construction).
 */

/** Where the payload of the string (str or bin) read by `readString` starts, and its length. */
export const str = { start: 0, len: 0, bin: false }

/** Fills `str` and returns true when the object at `p` is a str or bin. */
export function readString(b: Uint8Array, p: number): boolean {
  const h = b[p]
  if (h >= 0xa0 && h <= 0xbf) {
    str.start = p + 1
    str.len = h & 0x1f
    str.bin = false
    return true
  }
  switch (h) {
    case 0xd9:
    case 0xc4:
      str.start = p + 2
      str.len = b[p + 1]
      break
    case 0xda:
    case 0xc5:
      str.start = p + 3
      str.len = u16(b, p + 1)
      break
    case 0xdb:
    case 0xc6:
      str.start = p + 5
      str.len = u32(b, p + 1)
      break
    default:
      return false
  }
  str.bin = h === 0xc4 || h === 0xc5 || h === 0xc6
  return true
}

/** The container read by `readContainer`: element count (a map counts pairs) and first element. */
export const container = { count: 0, body: 0, map: false }

/** Fills `container` and returns true when the object at `p` is an array or a map. */
export function readContainer(b: Uint8Array, p: number): boolean {
  const h = b[p]
  if (h >= 0x80 && h <= 0x9f) {
    container.count = h & 0x0f
    container.body = p + 1
    container.map = h <= 0x8f
    return true
  }
  switch (h) {
    case 0xdc:
    case 0xde:
      container.count = u16(b, p + 1)
      container.body = p + 3
      break
    case 0xdd:
    case 0xdf:
      container.count = u32(b, p + 1)
      container.body = p + 5
      break
    default:
      return false
  }
  container.map = h === 0xde || h === 0xdf
  return true
}

/** The pair count of the map at `p`, or -1 when it is not a map (its first key is at `container.body`). */
export function mapCount(b: Uint8Array, p: number): number {
  return readContainer(b, p) && container.map ? container.count : -1
}

export function u16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1]
}

export function u32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0
}

const f64Cell = new Float64Array(1)
const f64Bytes = new Uint8Array(f64Cell.buffer)
const f32Cell = new Float32Array(1)
const f32Bytes = new Uint8Array(f32Cell.buffer)
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** The big-endian float64 at `p`. */
export function f64(b: Uint8Array, p: number): number {
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[7 - i] = b[p + i]
  else for (let i = 0; i < 8; i++) f64Bytes[i] = b[p + i]
  return f64Cell[0]
}

/** The big-endian float32 at `p`, widened to a double. */
export function f32(b: Uint8Array, p: number): number {
  if (LITTLE_ENDIAN) for (let i = 0; i < 4; i++) f32Bytes[3 - i] = b[p + i]
  else for (let i = 0; i < 4; i++) f32Bytes[i] = b[p + i]
  return f32Cell[0]
}

const TWO_32 = 4294967296

/** The decimal text of a uint64 at `p` (exact). */
export function u64Text(b: Uint8Array, p: number): string {
  const hi = u32(b, p)
  const lo = u32(b, p + 4)
  if (hi < 0x200000) return String(hi * TWO_32 + lo)
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString()
}

/** The decimal text of an int64 at `p` (exact). */
export function i64Text(b: Uint8Array, p: number): string {
  const hi = u32(b, p)
  if (hi < 0x80000000) return u64Text(b, p)
  const lo = u32(b, p + 4)
  // Two's complement: -(2^64 - value).
  const negHi = ~hi >>> 0
  const negLo = (~lo >>> 0) + 1
  const carry = negLo === TWO_32 ? 1 : 0
  const h = negHi + carry
  const l = carry ? 0 : negLo
  if (h < 0x200000) return `-${h * TWO_32 + l}`
  return `-${((BigInt(h) << 32n) | BigInt(l)).toString()}`
}

/** The decimal text of any msgpack integer at `p`, or null when the object is not an integer. */
export function intText(b: Uint8Array, p: number): string | null {
  const h = b[p]
  if (h <= 0x7f) return String(h)
  if (h >= 0xe0) return String(h - 0x100)
  switch (h) {
    case 0xcc:
      return String(b[p + 1])
    case 0xcd:
      return String(u16(b, p + 1))
    case 0xce:
      return String(u32(b, p + 1))
    case 0xcf:
      return u64Text(b, p + 1)
    case 0xd0:
      return String((b[p + 1] << 24) >> 24)
    case 0xd1:
      return String((u16(b, p + 1) << 16) >> 16)
    case 0xd2:
      return String(u32(b, p + 1) | 0)
    case 0xd3:
      return i64Text(b, p + 1)
  }
  return null
}

/** The float at `p` (float32 widened, as Ruby's unpacker does), or null when the object is not a float. */
export function floatAt(b: Uint8Array, p: number): number | null {
  const h = b[p]
  if (h === 0xcb) return f64(b, p + 1)
  if (h === 0xca) return f32(b, p + 1)
  return null
}

/**
 * The seconds of Fluentd's EventTime ext (type 0, 8 bytes: fixext8 or ext8) at `p`, or -1 when the
 * object is not one. Ruby's unpacker turns it into a Fluent::EventTime, whose to_s/to_json is its seconds.
 */
export function eventTimeSec(b: Uint8Array, p: number): number {
  const h = b[p]
  if (h === 0xd7 && b[p + 1] === 0x00) return u32(b, p + 2)
  if (h === 0xc7 && b[p + 1] === 8 && b[p + 2] === 0x00) return u32(b, p + 3)
  return -1
}

/** The nanoseconds of the EventTime at `p` (see eventTimeSec). */
export function eventTimeNsec(b: Uint8Array, p: number): number {
  return b[p] === 0xd7 ? u32(b, p + 6) : u32(b, p + 7)
}

/** True for the ext family (fixext 1–16, ext 8/16/32). */
export function isExt(h: number): boolean {
  return (h >= 0xd4 && h <= 0xd8) || h === 0xc7 || h === 0xc8 || h === 0xc9
}
