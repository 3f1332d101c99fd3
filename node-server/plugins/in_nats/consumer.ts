/**
 * @module The durable pull consumer in_nats reads, made sure of on each connection: looked up,
 * created when absent (with `create_consumer`; several sluice processes creating the same consumer
 * at once is fine: JetStream keeps one, and a second create with the same settings is a no-op),
 * refused when it is a push consumer or does not ack explicitly (acks are what make delivery
 * at-least-once). An existing consumer is used as it is: a different filter, ack_wait or
 * max_deliver is logged once, not changed.
 */

import type { NatsConnection } from '@nats-io/transport-node'
import type { Consumer, ConsumerConfig } from '@nats-io/jetstream'
import type { Logger } from '../../../engine/log.ts'
import type { InNatsOptions } from './options.ts'
import { loadNats, nats } from '../../nats/client.ts'

/** Nanoseconds per millisecond (JetStream's durations are nanoseconds). */
const NS_PER_MS = 1_000_000

export function consumerConfig(o: InNatsOptions): Partial<ConsumerConfig> {
  return {
    durable_name: o.consumer,
    ack_policy: 'explicit',
    ack_wait: o.ackWaitMs * NS_PER_MS,
    max_deliver: o.maxDeliver,
    max_ack_pending: o.maxAckPending,
    max_waiting: o.maxWaiting,
    deliver_policy: o.deliverPolicy,
    replay_policy: 'instant',
    ...(o.subject !== null ? { filter_subject: o.subject } : {}),
  }
}

/** A problem no retry fixes until the config (or the consumer) changes. */
export class ConsumerConfigError extends Error {
  override name = 'ConsumerConfigError'
}

export class ConsumerKeeper {
  private current: { nc: NatsConnection; consumer: Consumer } | null = null
  /** max_deliver of the consumer as it is on the server (for the reader's last-delivery rule). */
  maxDeliver: number

  constructor(
    private readonly options: InNatsOptions,
    private readonly log: Logger,
  ) {
    this.maxDeliver = options.maxDeliver
  }

  /** The consumer on `nc` (looked up or created once per connection). */
  async get(nc: NatsConnection): Promise<Consumer> {
    if (this.current?.nc === nc) return this.current.consumer
    const o = this.options
    const jsm = await (await loadNats()).jetstream.jetstreamManager(nc, { timeout: o.apiTimeoutMs, checkAPI: false })
    let info
    try {
      info = await jsm.consumers.info(o.stream, o.consumer)
    } catch (error) {
      if (!(error instanceof nats().jetstream.JetStreamApiError)) throw error
      if (error.code === nats().jetstream.JetStreamApiCodes.StreamNotFound)
        throw new Error(`the JetStream stream ${o.stream} does not exist (yet)`)
      if (error.code !== nats().jetstream.JetStreamApiCodes.ConsumerNotFound) throw error
      // Someone is expected to create it: it is looked for again with the pull's backoff.
      if (!o.createConsumer) throw new Error(`the consumer ${o.consumer} does not exist on stream ${o.stream} (create_consumer false)`)
      info = await jsm.consumers.add(o.stream, consumerConfig(o))
      this.log.info('Created the durable consumer.', {
        stream: o.stream,
        consumer: o.consumer,
        filter_subject: o.subject,
        ack_wait_s: o.ackWaitMs / 1000,
        max_deliver: o.maxDeliver,
      })
    }
    const c = info.config
    if (c.deliver_subject) throw new ConsumerConfigError(`the consumer ${o.consumer} is a push consumer; in_nats needs a pull consumer`)
    if (c.ack_policy !== 'explicit')
      throw new ConsumerConfigError(`the consumer ${o.consumer} acks ${c.ack_policy}; in_nats needs ack_policy explicit`)
    const differs: Record<string, unknown> = {}
    if (o.subject !== null && (c.filter_subject ?? null) !== o.subject) differs.filter_subject = c.filter_subject ?? null
    if (c.ack_wait !== undefined && c.ack_wait !== o.ackWaitMs * NS_PER_MS) differs.ack_wait_s = c.ack_wait / 1e9
    if ((c.max_deliver ?? -1) !== o.maxDeliver) differs.max_deliver = c.max_deliver ?? -1
    if (Object.keys(differs).length > 0) {
      this.log.warn('The durable consumer exists with other settings; it is used as it is.', {
        stream: o.stream,
        consumer: o.consumer,
        ...differs,
      })
    }
    this.maxDeliver = c.max_deliver ?? -1
    const consumer = await (await loadNats()).jetstream.jetstream(nc, { timeout: o.apiTimeoutMs }).consumers.get(o.stream, o.consumer)
    this.current = { nc, consumer }
    return consumer
  }

  /** Forget the consumer (it was deleted, or the fetch failed): the next get looks it up again. */
  reset(): void {
    this.current = null
  }
}
