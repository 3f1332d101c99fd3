/**
 * @module The Forward protocol's UDP heartbeat (reference §1.7), both ends: out_forward with
 * `heartbeat_type udp` sends one `00` byte to the in_forward port; in_forward answers one `00` byte
 * to the sender for any datagram of at most 128 bytes (Fluentd's read size; longer ones are not
 * heartbeats and get no answer). The `transport` heartbeat is a connection closed at once.
 */

/** The datagram a sender probes with. */
export const HEARTBEAT_PROBE = Uint8Array.of(0x00)

/** The datagram a receiver answers with. */
export const HEARTBEAT_REPLY = Uint8Array.of(0x00)

/** Datagrams longer than this are not heartbeats. */
export const HEARTBEAT_MAX_BYTES = 128
