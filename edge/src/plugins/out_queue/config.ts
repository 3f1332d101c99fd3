/**
 * @module The queue output's schema (`@type queue`): the durable path of the edge. The producer
 * side packs the stream into Cloudflare Queues messages (at most message_size_limit bytes of
 * entries each) and the request is answered 202 only after the Queue accepted them all; the
 * `queue()` consumer of the same Worker hands each batch to the `<store>` output (forward or http)
 * and retries what it could not deliver (retry_wait doubling up to retry_max_interval; after the
 * consumer's max_retries the Queue moves the message to its dead-letter queue).
 * Free of runtime imports: the designer reads it.
 */

import type { ConfigOf, PluginSchema, SectionSpec } from '../../../../engine/config/schema.ts'
import { storeSection } from '../../../../engine/plugins/out_copy/config.ts'

/** Cloudflare Queues: 128 KB per message (about 100 B of it metadata). */
export const QUEUE_MESSAGE_LIMIT = 128 * 1024
/** Cloudflare Queues: sendBatch takes at most 100 messages and 256 KB. */
export const SEND_BATCH_MESSAGES = 100
export const SEND_BATCH_BYTES = 256 * 1024

const { argument: _argument, ...storeSchema } = storeSection.schema

/** The output the consumer delivers with (one, any edge output: forward, http, copy …). */
export const deliverySection: SectionSpec = {
  name: 'store',
  required: true,
  description: 'The output the queue consumer delivers the events with (e.g. @type forward or @type http).',
  schema: storeSchema,
}

export const outQueueSchema = {
  params: [
    {
      name: 'binding',
      type: 'string',
      default: 'QUEUE',
      description: 'The Queue producer binding (wrangler.jsonc queues.producers[].binding).',
    },
    {
      name: 'message_size_limit',
      type: 'size',
      default: 120 * 1024,
      description: "Most bytes of events per Queue message (Cloudflare's limit is 128 KB with the envelope).",
    },
    {
      name: 'retry_wait',
      type: 'time',
      default: 5,
      description: 'Delay of the first redelivery of a batch that could not be delivered; doubled per attempt.',
    },
    { name: 'retry_max_interval', type: 'time', default: 300, description: 'Longest redelivery delay.' },
  ],
  sections: [deliverySection],
} as const satisfies PluginSchema

export type OutQueueConfig = ConfigOf<typeof outQueueSchema> & { store: Record<string, unknown> }

export interface QueueOptions {
  binding: string
  messageLimit: number
  retryWaitSec: number
  retryMaxIntervalSec: number
}

export function settleQueueOptions(config: OutQueueConfig): QueueOptions {
  const overhead = 1024
  if (config.message_size_limit < 1024 || config.message_size_limit > QUEUE_MESSAGE_LIMIT - overhead) {
    throw new Error(
      `message_size_limit must be between 1 KiB and ${QUEUE_MESSAGE_LIMIT - overhead} bytes (a Queue message is at most 128 KB with its envelope)`,
    )
  }
  if (config.retry_wait < 0 || config.retry_max_interval < config.retry_wait)
    throw new Error('retry_wait must be ≥ 0 and ≤ retry_max_interval')
  return {
    binding: config.binding,
    messageLimit: config.message_size_limit,
    retryWaitSec: config.retry_wait,
    retryMaxIntervalSec: config.retry_max_interval,
  }
}
