/**
 * @module in_nats's settled options: the stream and consumer names checked, times in
 * milliseconds, the limits in range, and the tag rewrite (`tag` replaces, `add_tag_prefix`
 * prefixes with a dot, as in_forward).
 */

import type { InNatsConfig } from '../../../engine/schemas/in_nats.ts'

export interface InNatsOptions {
  stream: string
  consumer: string
  subject: string | null
  createConsumer: boolean
  deliverPolicy: 'all' | 'new' | 'last'
  ackWaitMs: number
  /** -1: no limit. */
  maxDeliver: number
  maxAckPending: number
  maxWaiting: number
  batchSize: number
  fetchExpiresMs: number
  decompressionSizeLimit: number
  /** Timeout of JetStream API requests (consumer info / create, message get). */
  apiTimeoutMs: number
  rewriteTag(tag: string): string
}

const NAME = /^[^\s.*>/\\]+$/

export function settleInNats(config: InNatsConfig): InNatsOptions {
  if (!NAME.test(config.stream))
    throw new Error(`stream ${JSON.stringify(config.stream)}: a stream name cannot contain white space, . * > / or \\`)
  if (!NAME.test(config.consumer))
    throw new Error(`consumer ${JSON.stringify(config.consumer)}: a consumer name cannot contain white space, . * > / or \\`)
  if (config.subject !== null && (/\s/.test(config.subject) || config.subject.split('.').includes('')))
    throw new Error(`subject ${JSON.stringify(config.subject)} is not a NATS subject filter`)
  if (config.ack_wait < 1) throw new Error('ack_wait must be at least 1s')
  if (config.max_deliver === 0 || config.max_deliver < -1) throw new Error('max_deliver must be 1 or more, or -1 (no limit)')
  if (config.max_ack_pending < 1) throw new Error('max_ack_pending must be 1 or more')
  if (config.max_waiting < 1) throw new Error('max_waiting must be 1 or more')
  if (config.batch_size < 1) throw new Error('batch_size must be 1 or more')
  if (config.batch_size > config.max_ack_pending) throw new Error('batch_size cannot be more than max_ack_pending')
  if (config.fetch_expires < 1) throw new Error('fetch_expires must be at least 1s')
  const fixed = config.tag
  const prefix = config.add_tag_prefix
  if (fixed !== null && fixed.trim() === '') throw new Error('tag is empty')
  if (prefix !== null && prefix === '') throw new Error('add_tag_prefix is empty')
  const rewriteTag = (tag: string): string => {
    const t = fixed ?? tag
    return prefix === null ? t : `${prefix}.${t}`
  }
  return {
    stream: config.stream,
    consumer: config.consumer,
    subject: config.subject,
    createConsumer: config.create_consumer,
    deliverPolicy: config.deliver_policy,
    ackWaitMs: Math.round(config.ack_wait * 1000),
    maxDeliver: config.max_deliver,
    maxAckPending: config.max_ack_pending,
    maxWaiting: config.max_waiting,
    batchSize: config.batch_size,
    fetchExpiresMs: Math.round(config.fetch_expires * 1000),
    decompressionSizeLimit: config.decompression_size_limit,
    apiTimeoutMs: Math.max(5_000, Math.round(config.connect_timeout * 1000)),
    rewriteTag,
  }
}
