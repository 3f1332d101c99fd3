/**
 * @module Ack responses (protocol §1.5), both sides. The receiver answers a message whose options
 * carry `chunk` with `{"ack": <chunk>}`, the chunk value echoed byte for byte — msgpack `81 a3
 * "ack"` followed by the chunk option's whole encoded value as received — or, on a JSON-mode
 * connection, the same map as JSON text. The sender sends its chunk id as a msgpack str (Fluent Bit
 * acks only str chunks) and reads the answers: `ackChunk` takes the id out of one answer (str,
 * or bin tolerated), `AckReader` waits for the one ack of one chunk (Node out_forward: one chunk
 * per connection at a time), `AckStream` reads many acks from a stream split anywhere (pipelined
 * senders: the edge, `sluice replay`, `sluice bench`).
 */

import { ObjectStream, Raw, describeValue, type Value } from './msgpack.ts'

/** `81 a3 61 63 6b`: a one-pair map and the fixstr "ack". */
export const ACK_PREFIX = Uint8Array.of(0x81, 0xa3, 0x61, 0x63, 0x6b)

/** An ack is a few dozen bytes; more than this without a whole object is not an ack. */
export const ACK_MAX_BYTES = 4096

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

/** The msgpack ack for the chunk value encoded at `bytes[start..end)` (copied). */
export function msgpackAck(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(ACK_PREFIX.length + end - start)
  out.set(ACK_PREFIX)
  out.set(bytes.subarray(start, end), ACK_PREFIX.length)
  return out
}

/** The JSON-mode ack: `{"ack":<chunk as JSON>}`. */
export function jsonAck(chunk: unknown): Uint8Array {
  return textEncoder.encode(JSON.stringify({ ack: chunk }))
}

/** The chunk id an answer acknowledges (its raw bytes), or null when the answer is not an ack. */
export function ackChunk(value: Value): Uint8Array | null {
  if (!(value instanceof Map)) return null
  const ack = value.get('ack')
  return ack instanceof Raw ? ack.bytes : null
}

export type AckOutcome = 'more' | 'ok' | 'mismatch'

/**
 * Accumulates the answer to one chunk: it must be exactly one `{"ack": <our chunk id>}`. Another
 * id, extra bytes, anything else is a mismatch (the socket must not be reused: fluentd#4057).
 */
export class AckReader {
  private readonly stream = new ObjectStream(ACK_MAX_BYTES)
  private readonly expected: Uint8Array
  /** What the server answered, for log lines. */
  answered = ''

  constructor(chunkId: string) {
    this.expected = textEncoder.encode(chunkId)
  }

  push(data: Uint8Array): AckOutcome {
    this.stream.push(data)
    const read = this.stream.next()
    if (read.status === 'more') return 'more'
    if (read.status === 'invalid') {
      this.answered = `undecodable (${read.reason})`
      return 'mismatch'
    }
    this.answered = describeValue(read.value)
    if (this.stream.buffered > 0) {
      this.answered += ` and ${this.stream.buffered} more bytes`
      return 'mismatch'
    }
    const id = ackChunk(read.value)
    return id !== null && sameBytes(id, this.expected) ? 'ok' : 'mismatch'
  }
}

/**
 * Reads the acks of a connection that has several chunks in flight, split anywhere. `push` returns
 * the chunk ids acknowledged by the bytes (in order, as text); an answer that is not an ack, or
 * bytes that are not msgpack, throw with what the server sent.
 */
export class AckStream {
  private readonly stream = new ObjectStream(ACK_MAX_BYTES)

  push(data: Uint8Array): string[] {
    this.stream.push(data)
    const ids: string[] = []
    for (;;) {
      const read = this.stream.next()
      if (read.status === 'more') return ids
      if (read.status === 'invalid') throw new Error(`answered bytes that are not an ack (${read.reason})`)
      const id = ackChunk(read.value)
      if (id === null) throw new Error(`answered ${describeValue(read.value)}, not an ack`)
      ids.push(textDecoder.decode(id))
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
