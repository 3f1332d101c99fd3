/**
 * @module The PackedForward message the edge sends (reference §1.2, §2.2):
 * `[tag, bin(entries), {"size": n, "chunk": id?, "compressed": "gzip"?}]`, entries as msgpack
 * **bin** (the spec's form; every receiver also takes Fluentd's str32), the chunk id as standard
 * base64 of 16 random bytes (a msgpack str: Fluent Bit refuses bin acks). The entries are not
 * copied: a message is three parts written one after the other.
 */

const textEncoder = new TextEncoder()

function strHeader(n: number): number[] {
  if (n < 32) return [0xa0 | n]
  if (n < 0x100) return [0xd9, n]
  if (n < 0x10000) return [0xda, n >> 8, n & 0xff]
  return [0xdb, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
}

function str(text: string): number[] {
  const bytes = textEncoder.encode(text)
  return [...strHeader(bytes.length), ...bytes]
}

function uint(v: number): number[] {
  if (v < 0x80) return [v]
  if (v < 0x100) return [0xcc, v]
  if (v < 0x10000) return [0xcd, v >> 8, v & 0xff]
  return [0xce, v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]
}

/** `93` + tag + the bin header of `payloadLength` bytes. */
export function envelopeHead(tag: string, payloadLength: number): Uint8Array {
  const n = payloadLength
  const bin = n < 0x100 ? [0xc4, n] : n < 0x10000 ? [0xc5, n >> 8, n & 0xff] : [0xc6, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
  return Uint8Array.from([0x93, ...str(tag), ...bin])
}

/** The option map: `size` always, `chunk` when an ack is wanted, `compressed: "gzip"` when compressed. */
export function envelopeOptions(size: number, chunk: string | null, gzip: boolean): Uint8Array {
  const pairs: number[][] = [[...str('size'), ...uint(size)]]
  if (chunk !== null) pairs.push([...str('chunk'), ...str(chunk)])
  if (gzip) pairs.push([...str('compressed'), ...str('gzip')])
  return Uint8Array.from([0x80 | pairs.length, ...pairs.flat()])
}

/** The three parts of one message. */
export function envelope(tag: string, payload: Uint8Array, count: number, chunk: string | null, gzip: boolean): Uint8Array[] {
  return [envelopeHead(tag, payload.length), payload, envelopeOptions(count, chunk, gzip)]
}
