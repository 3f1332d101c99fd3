/**
 * @module The edge out_queue's settled options.
 */

import { type OutQueueConfig, QUEUE_MESSAGE_LIMIT } from '../../../../engine/schemas/out_queue.ts'

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
