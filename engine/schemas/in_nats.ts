/**
 * @module in_nats's config schema (`<source> @type nats`): the connection
 * (sections/nats-connection.ts), the JetStream stream and durable pull consumer it reads (created
 * when absent: filter subject, ack wait, max_deliver, max_ack_pending, max_waiting), the pull batch,
 * the tag (the one each message carries, or `tag` / `add_tag_prefix`) and the gzip limit.
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { natsConnectionParams } from './sections/nats-connection.ts'

const MiB = 1024 * 1024

export const inNatsSchema = {
  params: [
    ...natsConnectionParams,
    { name: 'stream', type: 'string', required: true, description: 'The JetStream stream to consume.' },
    {
      name: 'consumer',
      type: 'string',
      required: true,
      description: 'The durable pull consumer: every sluice with the same name shares its messages (each message goes to one of them).',
    },
    {
      name: 'subject',
      type: 'string',
      default: null,
      description: 'Only messages on this subject (wildcards * and > allowed) when the consumer is created (unset: the whole stream).',
    },
    {
      name: 'create_consumer',
      type: 'bool',
      default: true,
      description: 'Create the durable consumer when it does not exist (false: it must exist).',
    },
    {
      name: 'deliver_policy',
      type: 'enum',
      values: ['all', 'new', 'last'],
      default: 'all',
      description: 'Where a created consumer starts: all (the oldest message kept), new (messages after its creation), last.',
    },
    {
      name: 'ack_wait',
      type: 'time',
      default: 30,
      description: 'A message neither acked nor in progress for this long is delivered again (to any sluice on the consumer).',
    },
    {
      name: 'max_deliver',
      type: 'integer',
      default: 10,
      description: 'Deliveries of one message at most (-1: no limit); after the last one it goes to @ERROR (or one log line).',
    },
    {
      name: 'max_ack_pending',
      type: 'integer',
      default: 1000,
      description: 'Messages delivered and not yet acked, over every sluice on the consumer.',
    },
    {
      name: 'max_waiting',
      type: 'integer',
      default: 512,
      description: 'Pull requests the consumer keeps waiting at once (over every sluice on it).',
    },
    {
      name: 'batch_size',
      type: 'integer',
      default: 32,
      description: 'Messages asked for by one pull (the memory held is at most this many messages of up to max_payload each).',
    },
    { name: 'fetch_expires', type: 'time', default: 5, description: 'How long one pull waits for messages.' },
    {
      name: 'tag',
      type: 'string',
      default: null,
      description: 'Replace the tag carried by each message with this one.',
    },
    { name: 'add_tag_prefix', type: 'string', default: null, description: 'Prefix the tag with "<prefix>." (as in_forward).' },
    {
      name: 'decompression_size_limit',
      type: 'size',
      default: 256 * MiB,
      description: 'Most bytes a gzip-compressed message may inflate to; a larger one goes to @ERROR.',
    },
  ],
} as const satisfies PluginSchema

export type InNatsConfig = ConfigOf<typeof inNatsSchema>

export const inNatsDescriptor: PluginDescriptor<'input'> = {
  name: 'nats',
  kind: 'input',
  description:
    'Consumes a NATS JetStream stream with a durable pull consumer shared by every sluice on it; acks each message once its events were accepted.',
  schema: inNatsSchema,
  runtimes: ['node'],
}
