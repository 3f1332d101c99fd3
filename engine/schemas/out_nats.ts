/**
 * @module out_nats's config schema (`<match> @type nats`): the connection (sections/nats-connection.ts),
 * the subject with chunk placeholders, JetStream publishing (acks, `Nats-Msg-Id` de-duplication,
 * publish timeout, message size), the stream it may create and that stream's settings, core NATS
 * fire-and-forget (`jetstream false`), the message format (Forward msgpack by default, or the
 * lines of a `<format>`), and the `<buffer>` (tag chunk key by default, as out_forward).
 */

import type { PluginDescriptor, PluginSectionConfig } from '../plugin.ts'
import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import { bufferSection, secondarySection } from '../output/buffer-schema.ts'
import { formatSection } from './sections/format.ts'
import { natsConnectionParams } from './sections/nats-connection.ts'

const MiB = 1024 * 1024

/** JetStream's default max_payload (and the NATS server's): 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = MiB

export const outNatsParams = [
  ...natsConnectionParams,
  {
    name: 'subject',
    type: 'string',
    required: true,
    description:
      'The subject each message is published on; ${tag}, ${tag[N]}, ${key} (record chunk keys) and strftime (time chunk key) work.',
  },
  {
    name: 'jetstream',
    type: 'bool',
    default: true,
    description: 'Publish to JetStream and wait for its acks (false: core NATS, fire-and-forget: no acks, loss possible).',
  },
  {
    name: 'stream',
    type: 'string',
    default: null,
    description: 'The JetStream stream the subject belongs to (checked on every publish; needed by create_stream).',
  },
  {
    name: 'create_stream',
    type: 'bool',
    default: false,
    description: 'Create the stream with the stream_* settings when it does not exist.',
  },
  {
    name: 'stream_subjects',
    type: 'array',
    default: null,
    description: 'Subjects of a created stream (default: the subject up to its first placeholder, then >).',
  },
  {
    name: 'stream_retention',
    type: 'enum',
    values: ['limits', 'interest', 'workqueue'],
    default: 'limits',
    description: 'Retention of a created stream: limits (keep until a limit), interest, workqueue (removed once acked).',
  },
  {
    name: 'stream_storage',
    type: 'enum',
    values: ['file', 'memory'],
    default: 'file',
    description: 'Storage of a created stream.',
  },
  {
    name: 'stream_replicas',
    type: 'integer',
    default: 1,
    description: 'Replicas of a created stream (1..5; a cluster is needed for more than 1).',
  },
  { name: 'stream_max_bytes', type: 'size', default: null, description: 'Most bytes a created stream keeps (unset: no limit).' },
  { name: 'stream_max_msgs', type: 'integer', default: null, description: 'Most messages a created stream keeps (unset: no limit).' },
  { name: 'stream_max_age', type: 'time', default: null, description: 'Oldest message a created stream keeps (unset: no limit).' },
  {
    name: 'stream_discard',
    type: 'enum',
    values: ['old', 'new'],
    default: 'old',
    description: 'At a limit: old (drop the oldest messages) or new (refuse new ones: publishes fail and are retried).',
  },
  {
    name: 'stream_duplicate_window',
    type: 'time',
    default: 120,
    description: 'How long a created stream remembers Nats-Msg-Id ids: a chunk written again within it is not stored twice.',
  },
  {
    name: 'publish_timeout',
    type: 'time',
    default: 10,
    description: 'Wait this long for a JetStream ack; a message not acked in time rolls the chunk back (retried).',
  },
  {
    name: 'max_message_bytes',
    type: 'size',
    default: DEFAULT_MAX_MESSAGE_BYTES,
    description:
      "Most bytes of one message, headers included (never more than the server's max_payload): a chunk is split into messages at event boundaries.",
  },
  {
    name: 'max_events_per_message',
    type: 'integer',
    default: null,
    description: 'Most events in one message (unset: as many as fit; with <format>: 1).',
  },
  {
    name: 'max_pending_acks',
    type: 'integer',
    default: 256,
    description: 'Messages of one chunk published and waiting for their ack at once.',
  },
  {
    name: 'compress',
    type: 'enum',
    values: ['text', 'gzip'],
    default: 'text',
    description: 'gzip: each Forward message becomes a CompressedPackedForward (not with <format>).',
  },
] as const

/** Fluentd's `config_section :buffer { config_set_default :chunk_keys, ['tag'] }` (as out_forward). */
export const outNatsBufferDefaults = { chunk_keys: ['tag'] }

/**
 * `<format>`: when written, each message carries the formatted events (json lines by default)
 * instead of the Forward msgpack; when absent (the default) messages are Forward msgpack.
 */
export const outNatsFormatSection = {
  ...formatSection('json', 'When written, each message carries the formatted events (any formatter) instead of Forward msgpack.'),
  init: false,
}

export const outNatsBaseSchema = {
  params: outNatsParams,
} as const satisfies PluginSchema

export const outNatsSchema: PluginSchema = {
  params: outNatsParams,
  sections: [outNatsFormatSection, bufferSection(outNatsBufferDefaults), secondarySection],
}

export type OutNatsConfig = ConfigOf<typeof outNatsBaseSchema> & {
  buffer: Record<string, unknown>
  format?: PluginSectionConfig
}

export const outNatsDescriptor: PluginDescriptor<'output'> = {
  name: 'nats',
  kind: 'output',
  description:
    'Publishes events to NATS JetStream (acks, de-duplication ids, stream creation) or core NATS, as Forward msgpack or formatted lines.',
  schema: outNatsSchema,
  runtimes: ['node'],
}
