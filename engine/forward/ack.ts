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
  /** What the server answered, for log lines (set when the answer is not our ack). */
  answered = ''

  constructor(chunkId: string) {
    this.expected = textEncoder.encode(chunkId)
  }

  push(data: Uint8Array): AckOutcome {
    this.stream.push(data)
    const bytes = this.stream.rest()
    const fast = canonicalAck(bytes)
    if (fast === 'more') return 'more'
    if (fast !== null && fast.end === bytes.length && sameBytes(bytes, fast.idStart, fast.idEnd, this.expected)) return 'ok'
    // Not the usual form, or not our ack: the general reader decides, and says what it was.
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
    return id !== null && sameBytes(id, 0, id.length, this.expected) ? 'ok' : 'mismatch'
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
      const bytes = this.stream.rest()
      if (bytes.length === 0) return ids
      const fast = canonicalAck(bytes)
      if (fast === 'more') return ids
      if (fast !== null) {
        ids.push(textDecoder.decode(bytes.subarray(fast.idStart, fast.idEnd)))
        this.stream.skip(fast.end)
        continue
      }
      const read = this.stream.next()
      if (read.status === 'more') return ids
      if (read.status === 'invalid') throw new Error(`answered bytes that are not an ack (${read.reason})`)
      const id = ackChunk(read.value)
      if (id === null) throw new Error(`answered ${describeValue(read.value)}, not an ack`)
      ids.push(textDecoder.decode(id))
    }
  }
}

/**
 * The usual ack, `81 a3 "ack"` + a str (or bin) of at most ACK_MAX_BYTES, read without decoding:
 * where its id is and where it ends; `more` when its start arrived and the rest has not; null when
 * the bytes take another form (the general reader then decides: both agree on every ack).
 */
function canonicalAck(bytes: Uint8Array): { idStart: number; idEnd: number; end: number } | 'more' | null {
  const prefix = ACK_PREFIX.length
  for (let i = 0; i < prefix; i++) {
    if (i >= bytes.length) return 'more'
    if (bytes[i] !== ACK_PREFIX[i]) return null
  }
  if (bytes.length <= prefix) return 'more'
  const h = bytes[prefix]
  let headerLength: number
  let n: number
  if ((h & 0xe0) === 0xa0) {
    headerLength = 1
    n = h & 0x1f
  } else {
    headerLength = h === 0xd9 || h === 0xc4 ? 2 : h === 0xda || h === 0xc5 ? 3 : h === 0xdb || h === 0xc6 ? 5 : 0
    if (headerLength === 0) return null
    if (bytes.length < prefix + headerLength) return 'more'
    n = 0
    for (let i = 1; i < headerLength; i++) n = n * 256 + bytes[prefix + i]
  }
  const idStart = prefix + headerLength
  if (idStart + n > ACK_MAX_BYTES) return null
  if (bytes.length < idStart + n) return 'more'
  return { idStart, idEnd: idStart + n, end: idStart + n }
}

function sameBytes(a: Uint8Array, start: number, end: number, b: Uint8Array): boolean {
  if (end - start !== b.length) return false
  for (let i = 0; i < b.length; i++) if (a[start + i] !== b[i]) return false
  return true
}
