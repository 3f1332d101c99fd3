/**
 * @module Reads a server's ack responses `{"ack": <chunk id>}` from a byte stream split anywhere:
 * msgpack maps of one `ack` key whose value is a str (bin tolerated). Anything else is an error.
 */

export class AckReader {
  private pending: Buffer = Buffer.alloc(0)

  /** Feeds bytes; returns the chunk ids completed by them (as latin1 strings). Throws on garbage. */
  push(bytes: Buffer): string[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes
    const ids: string[] = []
    let p = 0
    for (;;) {
      const r = readAck(buf, p)
      if (r === null) break
      ids.push(r.id)
      p = r.end
    }
    this.pending = p < buf.length ? Buffer.from(buf.subarray(p)) : Buffer.alloc(0)
    return ids
  }
}

const ACK_KEY = Buffer.from([0xa3, 0x61, 0x63, 0x6b])

/** One ack at `p`, or null when incomplete. */
function readAck(buf: Buffer, p: number): { id: string; end: number } | null {
  if (p >= buf.length) return null
  if (buf[p] !== 0x81) throw new Error(`unexpected response byte 0x${buf[p].toString(16)} (expected an ack map)`)
  if (buf.length < p + 6) return null
  if (!buf.subarray(p + 1, p + 5).equals(ACK_KEY)) throw new Error('unexpected response: a map without the ack key')
  let q = p + 5
  const h = buf[q]
  let len: number
  if ((h & 0xe0) === 0xa0) {
    len = h & 0x1f
    q += 1
  } else if (h === 0xd9 || h === 0xc4) {
    if (buf.length < q + 2) return null
    len = buf[q + 1]
    q += 2
  } else if (h === 0xda || h === 0xc5) {
    if (buf.length < q + 3) return null
    len = buf.readUInt16BE(q + 1)
    q += 3
  } else if (h === 0xdb || h === 0xc6) {
    if (buf.length < q + 5) return null
    len = buf.readUInt32BE(q + 1)
    q += 5
  } else throw new Error(`unexpected ack value type 0x${h.toString(16)}`)
  if (buf.length < q + len) return null
  return { id: buf.toString('latin1', q, q + len), end: q + len }
}
