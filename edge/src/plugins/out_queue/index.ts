/**
 * @module The queue output (`@type queue`): the producer half of the edge's durable path. An emit
 * resolves once the Queue accepted every message of the stream (so the request's 202 means "in the
 * Queue"); the consumer half (consumer.ts, the Worker's `queue()` handler) delivers them later
 * with the `<store>` output. Delivery is at-least-once: a batch whose delivery fails is redelivered
 * whole, and a client that retries after a failed send may enqueue events twice.
 *
 * @example
 * <match app.**>
 *   @type queue
 *   @id to_aggregator
 *   binding QUEUE
 *   <store>
 *     @type forward
 *     <server>
 *       host aggregator.example.net
 *     </server>
 *   </store>
 * </match>
 */

import type { ConfigElement } from '../../../../engine/config/model.ts'
import type { EventStream } from '../../../../engine/event-stream.ts'
import type { OutputPlugin, PluginContext, PluginSpec } from '../../../../engine/plugin.ts'
import { DeliveryError, messageOf } from '../../errors.ts'
import type { EdgePlatform } from '../../platform.ts'
import { outQueueDescriptor, type OutQueueConfig } from '../../../../engine/schemas/out_queue.ts'
import { settleQueueOptions, type QueueOptions } from './options.ts'
import { toBatches, toMessages } from './message.ts'

type ContextWithOutputs = PluginContext & { createOutput?(element: ConfigElement): OutputPlugin | null }

export class QueueOutput implements OutputPlugin {
  constructor(
    readonly id: string,
    readonly options: QueueOptions,
    private readonly ctx: PluginContext,
    private readonly platform: EdgePlatform,
    /** The output the consumer delivers with. */
    readonly store: OutputPlugin,
  ) {}

  async emit(stream: EventStream): Promise<void> {
    const m = this.ctx.metrics
    m.emits++
    m.eventsIn += stream.count
    m.bytesIn += stream.entries.length
    const queue = this.platform.queue(this.options.binding)
    if (queue === undefined) {
      m.errors++
      throw new Error(`no Queue producer bound as ${this.options.binding}: declare it in wrangler.jsonc (queues.producers)`)
    }
    const batches = toBatches(toMessages(this.ctx.core, this.id, stream, this.options.messageLimit))
    for (const [i, batch] of batches.entries()) {
      try {
        await queue.sendBatch(batch)
      } catch (error) {
        m.errors++
        throw new DeliveryError(`the Queue ${this.options.binding} refused batch ${i + 1} of ${batches.length}: ${messageOf(error)}`)
      }
      m.writes++
    }
    m.eventsOut += stream.count
    m.bytesOut += stream.entries.length
  }

  /** Delivers with the <store> output (the consumer's side). */
  async deliver(stream: EventStream): Promise<void> {
    await this.store.emit(stream)
  }

  /** Seconds before the redelivery of a message delivered `attempts` times already. */
  retryDelay(attempts: number): number {
    const o = this.options
    return Math.min(o.retryMaxIntervalSec, Math.round(o.retryWaitSec * 2 ** Math.max(0, attempts - 1)))
  }
}

export function queueOutput(platform: EdgePlatform): PluginSpec<'output', OutQueueConfig> {
  return {
    ...outQueueDescriptor,
    create(ctx: ContextWithOutputs, config, element): QueueOutput {
      const options = settleQueueOptions(config)
      if (ctx.createOutput === undefined) throw new Error('this runtime cannot create the <store> output')
      const storeElement = element.elements.find((e) => e.name === 'store')!
      const store = ctx.createOutput(storeElement)
      if (store === null) throw new Error('the <store> output could not be created (see the errors above)')
      return new QueueOutput(ctx.id, options, ctx, platform, store)
    },
  }
}
