/**
 * @module The PackedForward envelope out_forward sends per chunk (protocol §2.2, with the
 * digest's §10 advice): `[tag, bin(entries), {"size": n, "chunk": id?, "compressed": "gzip"?}]`.
 * The entries travel as msgpack **bin** (the spec's form; Fluentd's str32 is accepted by every
 * receiver but is not what the spec says), the ack id as standard base64 of the chunk id. Only
 * the header and the option map are built here; the entries are written as they are (no copy).
 */

const textEncoder = new TextEncoder()

/** msgpack str header + bytes. */
function strBytes(text: string): Uint8Array {
  const data = textEncoder.encode(text)
  const n = data.length
  const head =
    n < 32
      ? [0xa0 | n]
      : n < 0x100
        ? [0xd9, n]
        : n < 0x10000
          ? [0xda, n >> 8, n & 0xff]
          : [0xdb, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
  const out = new Uint8Array(head.length + n)
  out.set(head)
  out.set(data, head.length)
  return out
}

/** `93` + tag + the smallest bin header for `entriesLength` bytes. */
export function envelopeHeader(tag: string, entriesLength: number): Uint8Array {
  const tagBytes = strBytes(tag)
  const n = entriesLength
  const bin = n < 0x100 ? [0xc4, n] : n < 0x10000 ? [0xc5, n >> 8, n & 0xff] : [0xc6, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
  const out = new Uint8Array(1 + tagBytes.length + bin.length)
  out[0] = 0x93
  out.set(tagBytes, 1)
  out.set(bin, 1 + tagBytes.length)
  return out
}

/** msgpack uint, smallest form. */
function uintBytes(v: number): number[] {
  if (v < 0x80) return [v]
  if (v < 0x100) return [0xcc, v]
  if (v < 0x10000) return [0xcd, v >> 8, v & 0xff]
  return [0xce, v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]
}

/** The option map: `size` always, `chunk` when an ack is wanted, `compressed: "gzip"` when compressed. */
export function envelopeOptions(size: number, chunk: string | null, compressed: boolean): Uint8Array {
  const parts: number[][] = [[0xa4, ...textEncoder.encode('size')], uintBytes(size)]
  if (chunk !== null) parts.push([0xa5, ...textEncoder.encode('chunk')], [...strBytes(chunk)])
  if (compressed) parts.push([0xaa, ...textEncoder.encode('compressed')], [0xa4, ...textEncoder.encode('gzip')])
  const flat = parts.flat()
  return Uint8Array.from([0x80 | (parts.length / 2), ...flat])
}
