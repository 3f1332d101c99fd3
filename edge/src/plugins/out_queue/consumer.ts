/**
 * @module The consumer half of the queue output (the Worker's `queue()` handler): consecutive
 * messages of one output and tag are delivered as one stream with that output's <store>; a
 * delivered group is acked, a failed one is retried with the output's backoff (after the
 * consumer's max_retries Cloudflare moves it to the dead-letter queue). A message that is not
 * sluice's, or names an output the config no longer has, is retried too (so it ends in the
 * dead-letter queue, never silently dropped), with one error line.
 */

import { concat } from '../../../../engine/event-stream.ts'
import type { Logger } from '../../../../engine/log.ts'
import { messageOf } from '../../errors.ts'
import type { QueueOutput } from './index.ts'
import { isQueuedEvents, type QueuedEvents } from './message.ts'

/** What the consumer needs of a Cloudflare Message. */
export interface QueueMessage {
  readonly id: string
  readonly body: unknown
  readonly attempts: number
  ack(): void
  retry(options?: { delaySeconds?: number }): void
}

export interface QueueBatch {
  readonly queue: string
  readonly messages: readonly QueueMessage[]
}

export interface ConsumeResult {
  delivered: number
  retried: number
}

/** Fallback delay for messages no output can take. */
const ORPHAN_RETRY_SECONDS = 60

export async function consumeBatch(batch: QueueBatch, outputs: readonly QueueOutput[], log: Logger): Promise<ConsumeResult> {
  const result: ConsumeResult = { delivered: 0, retried: 0 }
  const groups: { output: QueueOutput | null; tag: string; messages: QueueMessage[] }[] = []
  for (const message of batch.messages) {
    if (!isQueuedEvents(message.body)) {
      log.error('queue message is not a sluice event batch; retrying it so it ends in the dead-letter queue', {
        queue: batch.queue,
        id: message.id,
      })
      message.retry({ delaySeconds: ORPHAN_RETRY_SECONDS })
      result.retried++
      continue
    }
    const body = message.body
    const output = outputs.find((o) => o.id === body.output) ?? (outputs.length === 1 ? outputs[0] : null)
    const last = groups[groups.length - 1]
    if (last !== undefined && last.output === output && last.tag === body.tag) last.messages.push(message)
    else groups.push({ output, tag: body.tag, messages: [message] })
  }
  for (const group of groups) {
    const bodies = group.messages.map((m) => m.body as QueuedEvents)
    if (group.output === null) {
      log.error('no queue output with this @id in the config; retrying so the messages end in the dead-letter queue', {
        queue: batch.queue,
        output: bodies[0].output,
      })
      for (const m of group.messages) m.retry({ delaySeconds: ORPHAN_RETRY_SECONDS })
      result.retried += group.messages.length
      continue
    }
    const stream = { tag: group.tag, entries: concat(bodies.map((b) => b.entries)), count: bodies.reduce((n, b) => n + b.count, 0) }
    try {
      await group.output.deliver(stream)
      for (const m of group.messages) m.ack()
      result.delivered += group.messages.length
    } catch (error) {
      const delay = group.output.retryDelay(Math.max(...group.messages.map((m) => m.attempts)))
      log.warn('queue delivery failed; the messages will be redelivered', {
        queue: batch.queue,
        tag: group.tag,
        events: stream.count,
        delay_s: delay,
        error: messageOf(error),
      })
      for (const m of group.messages) m.retry({ delaySeconds: delay })
      result.retried += group.messages.length
    }
  }
  return result
}
