/**
 * @module A test's own view of NATS (the official client, not sluice's code): connect, read every
 * message a stream holds with its headers, decode out_nats's Forward messages into events, and wait
 * for a stream to reach a count (polling, never fixed sleeps).
 */

import { gunzipSync } from 'node:zlib'
import { decode, decodeMulti } from '@msgpack/msgpack'
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node'
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream'
import { eventTimeCodec } from '../../engine/event-time.ts'

export interface StoredMessage {
  seq: number
  subject: string
  headers: Record<string, string>
  data: Uint8Array
}

export async function natsClient(url: string, options: NodeConnectionOptions = {}): Promise<NatsConnection> {
  return connect({ servers: url, reconnectTimeWait: 100, maxReconnectAttempts: -1, ...options })
}

export async function manager(nc: NatsConnection): Promise<JetStreamManager> {
  return jetstreamManager(nc, { timeout: 10_000 })
}

/** Every message the stream holds, in order (deleted sequences skipped). */
export async function readStream(nc: NatsConnection, stream: string): Promise<StoredMessage[]> {
  const jsm = await manager(nc)
  const info = await jsm.streams.info(stream)
  const out: StoredMessage[] = []
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null)
    if (m === null) continue
    const headers: Record<string, string> = {}
    for (const [k, v] of m.header ?? []) headers[k] = v.join(',')
    out.push({ seq, subject: m.subject, headers, data: m.data })
  }
  return out
}

/** Waits until the stream holds at least `n` messages; returns the count. */
export async function waitForStream(nc: NatsConnection, stream: string, n: number, timeoutMs = 15_000): Promise<number> {
  const jsm = await manager(nc)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const count = await jsm.streams
      .info(stream)
      .then((i) => i.state.messages)
      .catch(() => 0)
    if (count >= n) return count
    if (Date.now() > deadline) throw new Error(`stream ${stream} holds ${count} messages, not ${n}, after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface ForwardEvent {
  tag: string
  time: unknown
  record: Record<string, unknown>
}

/** The events of one out_nats Forward message (`[tag, bin(entries), {size}]`), decoded independently of sluice. */
export function forwardEvents(data: Uint8Array): { tag: string; size: number; options: Record<string, unknown>; events: ForwardEvent[] } {
  const [tag, payload, options] = decode(data) as [string, Uint8Array, { size: number; compressed?: string }]
  const entries = options.compressed === 'gzip' ? gunzipSync(payload) : payload
  const events: ForwardEvent[] = []
  for (const entry of decodeMulti(entries, { extensionCodec: eventTimeCodec, useBigInt64: true })) {
    const [time, record] = entry as [unknown, Record<string, unknown>]
    events.push({ tag, time, record })
  }
  return { tag, size: options.size, options, events }
}
