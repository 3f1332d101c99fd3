/**
 * @module Reading an ack response (§1.5) on out_forward's side: bytes accumulate until one msgpack
 * object is complete; it must be `{"ack": <our chunk id>}` with the id as str (Fluentd, sluice)
 * or bin (tolerated). Anything else — another id, extra bytes, not a map — is a mismatch and the
 * socket is not reused (fluentd#4057).
 */

import { decode } from '@msgpack/msgpack'

export type AckOutcome = 'more' | 'ok' | 'mismatch'

const textDecoder = new TextDecoder()
/** An ack is a few dozen bytes; more than this without a whole object is not an ack. */
const MAX_ACK_BYTES = 4096

/** Accumulates response bytes for one chunk id. */
export class AckReader {
  private bytes: Uint8Array = new Uint8Array(0)
  /** What the server answered, for log lines. */
  answered: unknown = undefined

  constructor(private readonly chunkId: string) {}

  push(data: Uint8Array): AckOutcome {
    const joined = new Uint8Array(this.bytes.length + data.length)
    joined.set(this.bytes)
    joined.set(data, this.bytes.length)
    this.bytes = joined
    let value: unknown
    try {
      value = decode(this.bytes)
    } catch (err) {
      // A cut object throws a RangeError (insufficient data, or a DataView read past the end).
      const extra = (err as Error).message.startsWith('Extra ')
      if (err instanceof RangeError && !extra && this.bytes.length <= MAX_ACK_BYTES) return 'more'
      this.answered = `undecodable (${(err as Error).message})`
      return 'mismatch'
    }
    this.answered = value
    if (typeof value !== 'object' || value === null || !('ack' in value)) return 'mismatch'
    const ack = (value as { ack: unknown }).ack
    const text = typeof ack === 'string' ? ack : ack instanceof Uint8Array ? textDecoder.decode(ack) : null
    return text === this.chunkId ? 'ok' : 'mismatch'
  }
}
