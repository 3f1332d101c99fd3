/**
 * @module The remote end of a connection or datagram as the inputs name it in log lines and in
 * `source_address_key` / `source_hostname_key`, and the first bytes of bad input as base64.
 */

import { displayAddress } from './networks.ts'

export interface Peer {
  /** The IP address (IPv4-mapped IPv6 shown as IPv4). */
  address: string
  port: number
  /** The reverse-resolved name when asked for (else the address). */
  hostname: string
}

/** A peer from a socket's remote address, before any name lookup. */
export function peerOf(address: string | undefined, port: number | undefined): Peer {
  const shown = displayAddress(address ?? '')
  return { address: shown, port: port ?? 0, hostname: shown }
}

/** `host:port` (or `name (host:port)` when resolved), for log lines. */
export function peerName(peer: Peer): string {
  const hostPort = peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`
  return peer.hostname !== peer.address ? `${peer.hostname} (${hostPort})` : hostPort
}

/** The first `n` bytes of `bytes` as base64, for "bad input" log lines. */
export function headBase64(bytes: Uint8Array, n = 48): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, n)).toString('base64')
}
