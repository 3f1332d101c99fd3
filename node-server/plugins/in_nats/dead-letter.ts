/**
 * @module Where in_nats puts messages it gives up on, with one log line each: to the `@ERROR`
 * label when the config has one, else the log line is all that is left. Two kinds: a payload that
 * is not a Forward message (an event `{error, subject, stream, stream_seq, deliveries, data: bin}`
 * tagged with the subject), and the events of a message delivered max_deliver times without being
 * accepted (the events themselves, with their tag). The second also comes from JetStream's
 * MAX_DELIVERIES advisory — when a sluice died holding a message on its last delivery — heard by
 * one sluice of the consumer (a queue subscription) and looked up by its stream sequence.
 */

import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents, type EventStream } from '../../../engine/event-stream.ts'
import type { PluginContext } from '../../../engine/plugin.ts'
import type { MessageDecoder } from './decode.ts'
import type { InNatsOptions } from './options.ts'
import { loadNats } from '../../nats/client.ts'

/** Where a message came from (for the log line and the @ERROR record). */
export interface MessageOrigin {
  subject: string
  streamSeq: number
  deliveries: number
}

export class DeadLetters {
  count = 0
  private subscribedOn: NatsConnection | null = null
  private subscription: Subscription | null = null

  constructor(
    private readonly ctx: PluginContext,
    private readonly options: InNatsOptions,
    private readonly decoder: MessageDecoder,
  ) {}

  /** A payload that cannot be read: one warning, and the raw bytes to @ERROR. */
  undecodable(origin: MessageOrigin, data: Uint8Array, reason: string): void {
    const o = this.options
    this.count++
    this.ctx.metrics.errors++
    const router = this.ctx.errorRouter
    this.ctx.log.warn(
      `A message that is not a Forward message was terminated (not delivered again)${router === null ? '; it is dropped' : ' and sent to @ERROR'}.`,
      {
        stream: o.stream,
        consumer: o.consumer,
        subject: origin.subject,
        stream_seq: origin.streamSeq,
        deliveries: origin.deliveries,
        size: data.length,
        reason,
        head: Buffer.from(data.subarray(0, 48)).toString('base64'),
      },
    )
    if (router === null) {
      this.ctx.metrics.dropped++
      return
    }
    const ms = this.ctx.now()
    const stream = streamFromEvents(o.rewriteTag(origin.subject), [
      {
        time: new EventTime(Math.floor(ms / 1000), (ms % 1000) * 1_000_000),
        record: {
          error: reason,
          subject: origin.subject,
          stream: o.stream,
          stream_seq: origin.streamSeq,
          deliveries: origin.deliveries,
          data,
        },
      },
    ])
    this.toErrorLabel(stream)
  }

  /** Events whose message reached max_deliver without being accepted: one warning, the events to @ERROR. */
  exhausted(origin: MessageOrigin, stream: EventStream, error: string): void {
    const o = this.options
    this.count++
    this.ctx.metrics.errors += stream.count
    const router = this.ctx.errorRouter
    this.ctx.log.warn(
      `A message was delivered max_deliver times without being accepted${router === null ? '; its events are dropped' : '; its events go to @ERROR'}.`,
      {
        stream: o.stream,
        consumer: o.consumer,
        subject: origin.subject,
        stream_seq: origin.streamSeq,
        deliveries: origin.deliveries,
        tag: stream.tag,
        events: stream.count,
        error,
      },
    )
    if (router === null) {
      this.ctx.metrics.dropped += stream.count
      return
    }
    this.toErrorLabel(stream)
  }

  private toErrorLabel(stream: EventStream): void {
    const lost = (e: unknown) => {
      this.ctx.metrics.dropped += stream.count
      this.ctx.log.error('@ERROR did not take the dead-lettered events; they are dropped.', {
        tag: stream.tag,
        count: stream.count,
        error: String(e),
      })
    }
    try {
      const r = this.ctx.errorRouter!.emit(stream)
      if (r instanceof Promise) r.catch(lost)
    } catch (e) {
      lost(e)
    }
  }

  /**
   * Listens (once per connection) for JetStream's MAX_DELIVERIES advisories of this consumer, in a
   * queue group shared by every sluice on the consumer, so one of them dead-letters each message.
   */
  listen(nc: NatsConnection): void {
    if (this.subscribedOn === nc) return
    this.subscription?.unsubscribe()
    const o = this.options
    this.subscribedOn = nc
    this.subscription = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${o.stream}.${o.consumer}`, {
      queue: `sluice-dead-letters.${o.stream}.${o.consumer}`,
      callback: (error, msg) => {
        if (error !== null) return
        let advisory: { stream_seq?: number; deliveries?: number }
        try {
          advisory = msg.json()
        } catch {
          return
        }
        if (typeof advisory.stream_seq === 'number') void this.fromAdvisory(nc, advisory.stream_seq, advisory.deliveries ?? 0)
      },
    })
  }

  private async fromAdvisory(nc: NatsConnection, seq: number, deliveries: number): Promise<void> {
    const o = this.options
    let stored
    try {
      const jsm = await (await loadNats()).jetstream.jetstreamManager(nc, { timeout: o.apiTimeoutMs, checkAPI: false })
      stored = await jsm.streams.getMessage(o.stream, { seq })
    } catch (error) {
      this.ctx.log.warn('A message reached max_deliver but could not be read back from the stream; it is not dead-lettered.', {
        stream: o.stream,
        consumer: o.consumer,
        stream_seq: seq,
        error: String(error),
      })
      return
    }
    if (stored === null) return
    const origin = { subject: stored.subject, streamSeq: seq, deliveries }
    let decoded
    try {
      decoded = this.decoder.decode(stored.data)
    } catch (error) {
      decoded = { ok: false as const, reason: String(error) }
    }
    if (!decoded.ok) this.undecodable(origin, stored.data, decoded.reason)
    else if (decoded.stream !== null)
      this.exhausted(origin, decoded.stream, 'the sluice holding it stopped before acknowledging it (max_deliver reached)')
  }

  close(): void {
    this.subscription?.unsubscribe()
    this.subscription = null
    this.subscribedOn = null
  }
}
