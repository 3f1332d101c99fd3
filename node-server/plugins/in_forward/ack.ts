/**
 * @module Ack responses (protocol §1.5): `{"ack": <chunk>}` with the chunk value echoed byte for
 * byte — msgpack `81 a3 "ack"` followed by the chunk option's whole encoded value as received — or,
 * on a JSON-mode connection, the same map as JSON text.
 */

/** `81 a3 61 63 6b`: a one-pair map and the fixstr "ack". */
export const ACK_PREFIX = Uint8Array.of(0x81, 0xa3, 0x61, 0x63, 0x6b)

/** The msgpack ack for the chunk value encoded at `bytes[start..end)` (copied). */
export function msgpackAck(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(ACK_PREFIX.length + end - start)
  out.set(ACK_PREFIX)
  out.set(bytes.subarray(start, end), ACK_PREFIX.length)
  return out
}

/** The JSON-mode ack: `{"ack":<chunk as JSON>}`. */
export function jsonAck(chunk: unknown): Uint8Array {
  return Buffer.from(JSON.stringify({ ack: chunk }))
}
