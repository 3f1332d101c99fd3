/**
 * @module The queue output's schema (`@type queue`): the durable path of the edge. The producer
 * side packs the stream into Cloudflare Queues messages (at most message_size_limit bytes of
 * entries each) and the request is answered 202 only after the Queue accepted them all; the
 * `queue()` consumer of the same Worker hands each batch to the `<store>` output (forward or http)
 * and retries what it could not deliver (retry_wait doubling up to retry_max_interval; after the
 * consumer's max_retries the Queue moves the message to its dead-letter queue).
 * Free of runtime imports: the designer reads it.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema, SectionSpec } from '../config/schema.ts'
import { storeSection } from './out_copy.ts'

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

export const outQueueDescriptor: PluginDescriptor<'output'> = {
  name: 'queue',
  kind: 'output',
  description: "Puts events in a Cloudflare Queue (202 once accepted); the Worker's queue consumer delivers them with <store>.",
  schema: outQueueSchema,
  runtimes: ['workers'],
}
