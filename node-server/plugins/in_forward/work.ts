/**
 * @module What the decoders hand a connection: one `Work` per Forward message (the stream to emit,
 * the ack to write after it was accepted, or the reason to close), and the peer a connection
 * names in its log lines.
 */

import type { EventStream } from '../../../engine/event-stream.ts'

/** The remote end of a connection. */
export interface Peer {
  address: string
  port: number
  /** The reverse-resolved name, when `resolve_hostname` is on (else the address). */
  hostname: string
}

/** `host:port` (or `name (host:port)` when resolved), for log lines. */
export function peerName(peer: Peer): string {
  const hostPort = peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`
  return peer.hostname !== peer.address ? `${peer.hostname} (${hostPort})` : hostPort
}

export type Work =
  /**
   * A message: emit `stream` (null: nothing valid in it), then write `ack` (null: none asked for,
   * or the message was dropped on purpose without an ack).
   */
  | {
      kind: 'message'
      stream: EventStream | null
      ack: Uint8Array | null
      /** The stream's bytes are a view of WASM memory: emit it before the next core call (the router lends). */
      borrowed?: boolean
    }
  /** Stop here: the bytes from this message on are unusable; close the connection. */
  | { kind: 'close'; reason: string }

/** The first `n` bytes of `bytes[start..end)` as base64, for "broken input" log lines. */
export function headBase64(bytes: Uint8Array, start: number, end: number, n = 48): string {
  return Buffer.from(bytes.subarray(start, Math.min(end, start + n))).toString('base64')
}
