/**
 * @module The Worker the `edge` vitest project runs: the edge Worker with the test outputs
 * (capture, flaky) in its registry, and a recorder of what reaches the dead-letter queue.
 */

import { captureOutput } from '../../test/helpers/capture-output.ts'
import type { QueueBatch } from '../src/plugins/out_queue/consumer.ts'
import type { EdgeEnv } from '../src/settings.ts'
import { createWorker } from '../src/worker.ts'
import { flakyOutput } from './plugins.ts'

export const DEAD_LETTER_QUEUE = 'edge-test-dlq'

/** Messages that reached the dead-letter queue. */
export const deadLetters: { body: unknown; attempts: number }[] = []

export const worker = createWorker({ plugins: [captureOutput, flakyOutput] })

export default {
  fetch: (request: Request, env: EdgeEnv, ctx: ExecutionContext) => worker.fetch(request, env, ctx),
  async queue(batch: QueueBatch, env: EdgeEnv): Promise<void> {
    if (batch.queue === DEAD_LETTER_QUEUE) {
      for (const m of batch.messages) {
        deadLetters.push({ body: m.body, attempts: m.attempts })
        m.ack()
      }
      return
    }
    await worker.queue(batch, env)
  },
}
