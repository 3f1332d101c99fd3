/**
 * @module A tiny hand-written msgpack encoder for building Forward test inputs byte by byte: every
 * function returns the encoded bytes and lets the caller pick the exact header width (str32,
 * bin8, ext8 EventTime, uint64 ...). Defaults are the smallest form.
 */

export type Bytes = Uint8Array

/** Concatenates byte runs. */
export function cat(...parts: readonly Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Parses hex like `'93 a5 74'` (whitespace ignored). */
export function hex(text: string): Bytes {
  const digits = text.replace(/\s+/g, '')
  if (digits.length % 2 !== 0) throw new Error(`odd hex: ${text}`)
  return Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16))
}

/** Formats bytes as spaced lowercase hex. */
export function toHex(bytes: Bytes): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')
}

const utf8 = (s: string | Bytes): Bytes => (typeof s === 'string' ? new TextEncoder().encode(s) : s)

/** Big-endian unsigned bytes of `v` in `width` bytes. */
export function be(v: number | bigint, width: number): Bytes {
  let x = BigInt.asUintN(width * 8, BigInt(v))
  const out = new Uint8Array(width)
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn)
    x >>= 8n
  }
  return out
}

export const nil = (): Bytes => Uint8Array.of(0xc0)
export const bool = (v: boolean): Bytes => Uint8Array.of(v ? 0xc3 : 0xc2)

export type UintWidth = 'fix' | 8 | 16 | 32 | 64
export type IntWidth = 'fix' | 8 | 16 | 32 | 64

/** An unsigned int (`cc`..`cf`, or positive fixint); smallest form by default. */
export function uint(v: number | bigint, width?: UintWidth): Bytes {
  const n = BigInt(v)
  const w = width ?? (n < 128n ? 'fix' : n < 256n ? 8 : n < 65536n ? 16 : n < 2n ** 32n ? 32 : 64)
  switch (w) {
    case 'fix':
      return Uint8Array.of(Number(n))
    case 8:
      return cat(Uint8Array.of(0xcc), be(n, 1))
    case 16:
      return cat(Uint8Array.of(0xcd), be(n, 2))
    case 32:
      return cat(Uint8Array.of(0xce), be(n, 4))
    case 64:
      return cat(Uint8Array.of(0xcf), be(n, 8))
  }
}

/** A signed int (`d0`..`d3`, or a fixint); smallest signed form by default. */
export function int(v: number | bigint, width?: IntWidth): Bytes {
  const n = BigInt(v)
  const fits = (bits: number): boolean => n >= -(2n ** BigInt(bits - 1)) && n < 2n ** BigInt(bits - 1)
  const w = width ?? (n >= -32n && n < 128n ? 'fix' : fits(8) ? 8 : fits(16) ? 16 : fits(32) ? 32 : 64)
  switch (w) {
    case 'fix':
      return Uint8Array.of(Number(BigInt.asUintN(8, n)))
    case 8:
      return cat(Uint8Array.of(0xd0), be(n, 1))
    case 16:
      return cat(Uint8Array.of(0xd1), be(n, 2))
    case 32:
      return cat(Uint8Array.of(0xd2), be(n, 4))
    case 64:
      return cat(Uint8Array.of(0xd3), be(n, 8))
  }
}

export function float32(v: number): Bytes {
  const out = new Uint8Array(5)
  out[0] = 0xca
  new DataView(out.buffer).setFloat32(1, v)
  return out
}

export function float64(v: number): Bytes {
  const out = new Uint8Array(9)
  out[0] = 0xcb
  new DataView(out.buffer).setFloat64(1, v)
  return out
}

export type StrWidth = 'fix' | 8 | 16 | 32

/** A str (UTF-8 of a string, or raw bytes); smallest form by default (fixstr up to 31 bytes). */
export function str(s: string | Bytes, width?: StrWidth): Bytes {
  const data = utf8(s)
  const w = width ?? (data.length < 32 ? 'fix' : data.length < 256 ? 8 : data.length < 65536 ? 16 : 32)
  switch (w) {
    case 'fix':
      return cat(Uint8Array.of(0xa0 | data.length), data)
    case 8:
      return cat(Uint8Array.of(0xd9), be(data.length, 1), data)
    case 16:
      return cat(Uint8Array.of(0xda), be(data.length, 2), data)
    case 32:
      return cat(Uint8Array.of(0xdb), be(data.length, 4), data)
  }
}

export type BinWidth = 8 | 16 | 32

/** A bin; smallest form by default. */
export function bin(data: string | Bytes, width?: BinWidth): Bytes {
  const d = utf8(data)
  const w = width ?? (d.length < 256 ? 8 : d.length < 65536 ? 16 : 32)
  return cat(Uint8Array.of(w === 8 ? 0xc4 : w === 16 ? 0xc5 : 0xc6), be(d.length, w / 8), d)
}

export type ExtForm = 'fix' | 8 | 16 | 32

/** An ext of `type` (signed); fixext when the size allows, else ext8/16/32, unless `form` says. */
export function ext(type: number, data: Bytes, form?: ExtForm): Bytes {
  const fixCode: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }
  const f = form ?? (fixCode[data.length] !== undefined ? 'fix' : data.length < 256 ? 8 : data.length < 65536 ? 16 : 32)
  const t = Uint8Array.of(type & 0xff)
  switch (f) {
    case 'fix': {
      const code = fixCode[data.length]
      if (code === undefined) throw new Error(`no fixext of ${data.length} bytes`)
      return cat(Uint8Array.of(code), t, data)
    }
    case 8:
      return cat(Uint8Array.of(0xc7), be(data.length, 1), t, data)
    case 16:
      return cat(Uint8Array.of(0xc8), be(data.length, 2), t, data)
    case 32:
      return cat(Uint8Array.of(0xc9), be(data.length, 4), t, data)
  }
}

export type ContainerWidth = 'fix' | 16 | 32

function containerHeader(count: number, fix: number, c16: number, c32: number, width?: ContainerWidth): Bytes {
  const w = width ?? (count < 16 ? 'fix' : count < 65536 ? 16 : 32)
  if (w === 'fix') return Uint8Array.of(fix | count)
  return w === 16 ? cat(Uint8Array.of(c16), be(count, 2)) : cat(Uint8Array.of(c32), be(count, 4))
}

/** An array header announcing `count` elements (the elements follow separately). */
export const arrayHeader = (count: number, width?: ContainerWidth): Bytes => containerHeader(count, 0x90, 0xdc, 0xdd, width)
/** A map header announcing `count` pairs. */
export const mapHeader = (count: number, width?: ContainerWidth): Bytes => containerHeader(count, 0x80, 0xde, 0xdf, width)

/** An array of already-encoded elements. */
export function array(items: readonly Bytes[], width?: ContainerWidth): Bytes {
  return cat(arrayHeader(items.length, width), ...items)
}

/** A map of already-encoded key/value pairs (duplicates and non-str keys allowed). */
export function map(pairs: ReadonlyArray<readonly [Bytes, Bytes]>, width?: ContainerWidth): Bytes {
  return cat(mapHeader(pairs.length, width), ...pairs.flat())
}

/** Fluentd's EventTime: `d7 00 sec nsec` (fixext8) or `c7 08 00 sec nsec` (ext8). */
export function eventTime(sec: number, nsec = 0, form: 'fix' | 8 = 'fix'): Bytes {
  return ext(0, cat(be(sec, 4), be(nsec, 4)), form)
}

/** msgpack's Timestamp ext −1: 32-bit (`d6 ff`), 64-bit (`d7 ff`, nsec30 | sec34) or 96-bit (`c7 0c ff`). */
export function timestamp(sec: number | bigint, nsec = 0, bits: 32 | 64 | 96 = 64): Bytes {
  if (bits === 32) return ext(-1, be(sec, 4))
  if (bits === 64) return ext(-1, be((BigInt(nsec) << 34n) | BigInt(sec), 8))
  return ext(-1, cat(be(nsec, 4), be(sec, 8)), 8)
}

/** A JSON-like value, encoded with the smallest forms (str keys; integers as uint/int; other numbers float64). */
export type Plain = null | boolean | number | bigint | string | Bytes | Plain[] | { [key: string]: Plain }

export function encode(value: Plain): Bytes {
  if (value === null) return nil()
  if (typeof value === 'boolean') return bool(value)
  if (typeof value === 'bigint') return value < 0n ? int(value) : uint(value)
  if (typeof value === 'number') return Number.isInteger(value) ? (value < 0 ? int(value) : uint(value)) : float64(value)
  if (typeof value === 'string') return str(value)
  if (value instanceof Uint8Array) return bin(value)
  if (Array.isArray(value)) return array(value.map(encode))
  return map(Object.entries(value).map(([k, v]) => [str(k), encode(v)] as const))
}
