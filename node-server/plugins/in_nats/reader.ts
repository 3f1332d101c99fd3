/**
 * @module The in_nats pull loop: fetch a batch from the durable consumer, and for each message
 * decode it, emit its events and ack it only once the emit was accepted — so a sluice that dies
 * holding a message has it delivered again (to itself or another sluice on the consumer) after
 * ack_wait, never lost. Backpressure: nothing is pulled while a message is being emitted; an emit
 * that waits (overflow_action block) or is refused because the buffer is full (throw_exception)
 * holds the message — retried with backoff, `working` sent to JetStream so it is not delivered
 * elsewhere meanwhile — and the pulling waits with it. Any other refusal naks the message (with a
 * delay) so JetStream delivers it again; on its max_deliver-th delivery it is dead-lettered
 * instead. A payload that is not a Forward message is dead-lettered and terminated at once.
 */

import type { JsMsg } from '@nats-io/jetstream'
import type { EventStream } from '../../../engine/event-stream.ts'
import { rateLimited } from '../../../engine/output/errors.ts'
import type { PluginContext } from '../../../engine/plugin.ts'
import type { NatsLink } from '../../nats/link.ts'
import { ConsumerConfigError, type ConsumerKeeper } from './consumer.ts'
import type { DeadLetters } from './dead-letter.ts'
import type { MessageDecoder } from './decode.ts'
import type { InNatsOptions } from './options.ts'

/** Longest wait between two tries of an emit the buffer refused, and between two failed pulls. */
const MAX_BACKOFF_MS = 5_000
/** Wait before pulling again after a config problem (the consumer is a push consumer, …). */
const CONFIG_RETRY_MS = 30_000

export interface ReaderCounters {
  messages: number
  redelivered: number
  /** Messages held because an output refused or delayed their events (backpressure). */
  held: number
  /** Messages naked after an emit failure (delivered again by JetStream). */
  naked: number
}

function isBufferFull(error: unknown): boolean {
  return error instanceof Error && error.name === 'BufferOverflowError'
}

export class NatsReader {
  readonly counters: ReaderCounters = { messages: 0, redelivered: 0, held: 0, naked: 0 }
  private stopping = false
  private loop: Promise<void> | null = null
  private stopFetch: (() => void) | null = null
  private wakeSleep: (() => void) | null = null
  private readonly pullFailures = rateLimited()
  private readonly refusals = rateLimited()

  constructor(
    private readonly ctx: PluginContext,
    private readonly options: InNatsOptions,
    private readonly link: NatsLink,
    private readonly consumers: ConsumerKeeper,
    private readonly decoder: MessageDecoder,
    private readonly deadLetters: DeadLetters,
  ) {}

  start(): void {
    this.loop ??= this.run()
  }

  /** Stops pulling; the message being emitted finishes (acked, or naked if its emit is refused). */
  stop(): void {
    this.stopping = true
    this.stopFetch?.()
    this.wakeSleep?.()
  }

  /** Resolves when the loop has ended (after stop), or after `timeoutMs`. */
  async stopped(timeoutMs: number): Promise<void> {
    if (this.loop === null) return
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
    clearTimeout(timer)
  }

  private async run(): Promise<void> {
    const o = this.options
    let backoff = 0
    while (!this.stopping) {
      let nc
      try {
        nc = await this.link.ready(60_000)
      } catch {
        continue
      }
      try {
        const consumer = await this.consumers.get(nc)
        this.deadLetters.listen(nc)
        const batch = await consumer.fetch({ max_messages: o.batchSize, expires: o.fetchExpiresMs })
        this.stopFetch = () => batch.stop()
        for await (const m of batch) {
          if (this.stopping) {
            m.nak()
            continue
          }
          await this.handle(m)
        }
        backoff = 0
      } catch (error) {
        if (this.stopping) break
        this.consumers.reset()
        const config = error instanceof ConsumerConfigError
        backoff = config ? CONFIG_RETRY_MS : Math.min(MAX_BACKOFF_MS, backoff === 0 ? 250 : backoff * 2)
        const n = this.pullFailures()
        if (n !== null || config) {
          const fields = {
            stream: o.stream,
            consumer: o.consumer,
            error: String((error as Error)?.message ?? error),
            retry_in_ms: backoff,
            count: n ?? undefined,
          }
          if (config) this.ctx.log.error('Cannot consume from the JetStream consumer; trying again.', fields)
          else this.ctx.log.warn('Pulling from the JetStream consumer failed; trying again.', fields)
        }
        await this.sleep(backoff)
      } finally {
        this.stopFetch = null
      }
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const ctx = this.ctx
    this.counters.messages++
    if (m.redelivered) this.counters.redelivered++
    const origin = { subject: m.subject, streamSeq: m.seq, deliveries: m.info.deliveryCount }
    let decoded
    try {
      decoded = this.decoder.decode(m.data)
    } catch (error) {
      decoded = { ok: false as const, reason: String(error) }
    }
    if (!decoded.ok) {
      this.deadLetters.undecodable(origin, m.data, decoded.reason)
      // No reason text: servers before 2.10.4 do not take "+TERM <reason>" as a term.
      m.term()
      return
    }
    ctx.metrics.bytesIn += m.data.length
    if (decoded.invalid > 0) {
      ctx.metrics.dropped += decoded.invalid
      ctx.log.warn('Skipped invalid events.', { subject: m.subject, stream_seq: m.seq, count: decoded.invalid, reasons: decoded.reasons })
    }
    const stream = decoded.stream
    if (stream === null) {
      m.ack()
      return
    }
    if (await this.emit(stream, m, origin)) m.ack()
  }

  /** True once the events were accepted; false when the message was naked or dead-lettered instead. */
  private async emit(stream: EventStream, m: JsMsg, origin: { subject: string; streamSeq: number; deliveries: number }): Promise<boolean> {
    const ctx = this.ctx
    let held = false
    for (let attempt = 0; ; attempt++) {
      try {
        const result = ctx.router.emit(stream)
        if (result instanceof Promise) {
          if (!held) {
            held = true
            this.counters.held++
          }
          await this.working(m, result)
        }
        ctx.metrics.emits++
        ctx.metrics.eventsIn += stream.count
        return true
      } catch (error) {
        if (this.stopping) {
          m.nak()
          return false
        }
        if (isBufferFull(error)) {
          if (!held) {
            held = true
            this.counters.held++
          }
          const n = this.refusals()
          if (n !== null)
            ctx.log.warn('The buffer is full; holding the message (nothing is pulled meanwhile) and trying again.', {
              tag: stream.tag,
              stream_seq: m.seq,
              count: n,
            })
          await this.working(m, this.sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(attempt, 10))))
          continue
        }
        const maxDeliver = this.consumers.maxDeliver
        const message = String((error as Error)?.message ?? error)
        if (maxDeliver > 0 && m.info.deliveryCount >= maxDeliver) {
          this.deadLetters.exhausted(origin, stream, message)
          m.term()
          return false
        }
        this.counters.naked++
        const delay = Math.min(MAX_BACKOFF_MS * 6, 1000 * 2 ** Math.min(m.info.deliveryCount - 1, 5))
        const n = this.refusals()
        if (n !== null)
          ctx.log.warn('The events of a message were not accepted; it will be delivered again.', {
            tag: stream.tag,
            stream_seq: m.seq,
            deliveries: m.info.deliveryCount,
            max_deliver: maxDeliver,
            retry_in_ms: delay,
            error: message,
            count: n,
          })
        m.nak(delay)
        return false
      }
    }
  }

  /** Waits for `promise`, telling JetStream every third of ack_wait that the message is still being worked on. */
  private async working(m: JsMsg, promise: Promise<unknown>): Promise<void> {
    const timer = setInterval(() => m.working(), Math.max(500, Math.floor(this.options.ackWaitMs / 3)))
    try {
      await promise
    } finally {
      clearInterval(timer)
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const self = this
      function done() {
        clearTimeout(timer)
        if (self.wakeSleep === done) self.wakeSleep = null
        resolve()
      }
      this.wakeSleep = done
    })
  }
}
