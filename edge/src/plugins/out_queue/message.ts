/**
 * @module What travels through the Queue: `{sluice: 1, output, tag, entries, count}` — the events
 * as their msgpack entries bytes (structured clone, the Queue's default v8 content type), the
 * `@id` of the queue output that sent them (the consumer delivers with that output's <store>).
 * Producing cuts a stream into messages of at most the limit and groups them into sendBatch calls
 * within Cloudflare's limits (100 messages, 256 KB).
 */

import type { Core } from '../../../../wasm/core.ts'
import type { EventStream } from '../../../../engine/event-stream.ts'
import { splitEntries } from '../../split.ts'
import type { QueueSendRequest } from '../../platform.ts'
import { SEND_BATCH_BYTES, SEND_BATCH_MESSAGES } from '../../../../engine/schemas/out_queue.ts'

export interface QueuedEvents {
  sluice: 1
  /** The `@id` of the queue output. */
  output: string
  tag: string
  entries: Uint8Array
  count: number
}

/** Bytes a message needs besides its entries (tag, keys, clone headers), counted generously. */
const ENVELOPE_BYTES = 256

export function isQueuedEvents(body: unknown): body is QueuedEvents {
  if (typeof body !== 'object' || body === null) return false
  const b = body as Record<string, unknown>
  return (
    b.sluice === 1 &&
    typeof b.output === 'string' &&
    typeof b.tag === 'string' &&
    b.entries instanceof Uint8Array &&
    typeof b.count === 'number'
  )
}

/** The stream as messages; throws when one event alone exceeds the limit. */
export function toMessages(core: Core, output: string, stream: EventStream, limit: number): QueuedEvents[] {
  const budget = limit - stream.tag.length * 3
  return splitEntries(core, stream.entries, stream.count, budget).map((piece) => {
    if (piece.entries.length > budget) {
      throw new Error(
        `an event of ${stream.tag} is ${piece.entries.length} bytes: more than a Queue message carries (message_size_limit ${limit}); lower record_size_limit`,
      )
    }
    // A copy of just this piece: the clone must not carry the whole request's buffer.
    return { sluice: 1, output, tag: stream.tag, entries: piece.entries.slice(), count: piece.count }
  })
}

/** Groups messages into sendBatch calls of at most 100 messages and 256 KB. */
export function toBatches(messages: readonly QueuedEvents[]): QueueSendRequest<QueuedEvents>[][] {
  const batches: QueueSendRequest<QueuedEvents>[][] = []
  let current: QueueSendRequest<QueuedEvents>[] = []
  let bytes = 0
  for (const body of messages) {
    const size = body.entries.length + body.tag.length * 3 + ENVELOPE_BYTES
    if (current.length > 0 && (current.length >= SEND_BATCH_MESSAGES || bytes + size > SEND_BATCH_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push({ body, contentType: 'v8' })
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}
