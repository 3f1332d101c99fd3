/**
 * @module The out_nats ChunkWriter. A chunk is cut into messages (messages.ts) and published on its
 * subject. JetStream: every message carries `Nats-Msg-Id: <chunk id hex>-<index>` (and
 * `Nats-Expected-Stream` when `stream` is written); up to max_pending_acks publishes wait for their
 * acks at once; write() resolves only when every message of the chunk was acknowledged (a
 * duplicate ack counts: the stream already holds that message), and rejects on the first publish
 * that failed or was not acked within publish_timeout — the buffer rolls the chunk back and
 * retries it with its backoff, and the ids make the messages stored before not stored twice
 * within the stream's duplicate window. Core NATS (`jetstream false`): the messages are published
 * and the write resolves once the server answered a PING after them (received, not stored: no
 * subscriber, no message). Events larger than one message go to @ERROR (or one log line) once
 * per chunk; a subject that is not valid after expansion is an UnrecoverableError.
 */

import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { NatsConnection } from '@nats-io/transport-node'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { Core } from '../../../wasm/core.ts'
import { concat, type EventStream } from '../../../engine/event-stream.ts'
import type { Logger } from '../../../engine/log.ts'
import type { Chunk, ChunkWriter, WriteContext } from '../../../engine/output/chunk.ts'
import { chunkIdHex } from '../../../engine/output/chunk.ts'
import { UnrecoverableError } from '../../../engine/output/errors.ts'
import type { FormatterPlugin } from '../../../engine/formatter/types.ts'
import type { NatsLink } from '../../nats/link.ts'
import { cutEntries, envelopeOverhead, formattedMessages, forwardMessage, gzipGrowth, type Piece } from './messages.ts'
import { subjectError, type OutNatsOptions } from './options.ts'
import type { StreamKeeper } from './stream.ts'
import { nats } from '../../nats/client.ts'

const gzip = promisify(gzipCallback)

/** Bytes kept free for the message's NATS headers (NATS/1.0, Nats-Msg-Id, Nats-Expected-Stream). */
export function headerReserve(stream: string | null): number {
  return 96 + (stream === null ? 0 : 24 + Buffer.byteLength(stream))
}

export interface NatsWriterDeps {
  core: Core
  log: Logger
  link: NatsLink
  streams: StreamKeeper
  /** The chunk's subject (placeholders expanded). */
  subject(chunk: Chunk): string
  /** The `<format>` formatter; null: Forward msgpack. */
  format: FormatterPlugin | null
  /** Events no message can hold (to @ERROR, or one log line). */
  divert(stream: EventStream, error: unknown): void
}

/** What the writer counts (in the output's status). */
export interface PublishCounters {
  messages: number
  /** Messages the stream already had (acked as duplicates: a chunk written again). */
  duplicates: number
  timeouts: number
  failures: number
}

export class NatsWriter implements ChunkWriter {
  readonly counters: PublishCounters = { messages: 0, duplicates: 0, timeouts: 0, failures: 0 }
  private client: { nc: NatsConnection; js: JetStreamClient } | null = null
  /** Chunks whose oversized events were already diverted (a chunk written again does not divert them twice). */
  private readonly diverted = new Set<string>()

  constructor(
    private readonly options: OutNatsOptions,
    private readonly deps: NatsWriterDeps,
  ) {}

  async write(chunk: Chunk, context?: WriteContext): Promise<void> {
    const o = this.options
    const signal = context?.signal
    const subject = this.deps.subject(chunk)
    const bad = subjectError(subject)
    if (bad !== null) throw new UnrecoverableError(`subject ${JSON.stringify(subject)} (tag ${chunk.tag}) is not a NATS subject: ${bad}`)
    const nc = await this.deps.link.ready(o.publishTimeoutMs, signal)
    if (signal?.aborted) throw new Error('the write was given up before publishing')
    const id = chunkIdHex(chunk.id)
    const payloads = await this.messages(chunk, nc, id)
    if (o.jetstream) {
      await this.deps.streams.ensure(nc)
      await this.publishJetStream(nc, subject, payloads, id, signal)
    } else await this.publishCore(nc, subject, payloads, id)
    this.diverted.delete(id)
  }

  /** The chunk's messages; oversized events are diverted (once per chunk). */
  private async messages(chunk: Chunk, nc: NatsConnection, id: string): Promise<Uint8Array[]> {
    const o = this.options
    const core = this.deps.core
    const serverMax = nc.info?.max_payload ?? o.maxMessageBytes
    const budget = Math.min(o.maxMessageBytes, serverMax) - (o.jetstream ? headerReserve(o.stream) : 0)
    let payloads: Uint8Array[]
    let oversize: Piece[]
    if (this.deps.format !== null) {
      const cut = formattedMessages(core, chunk.tag, chunk.entries, this.deps.format, budget, o.maxEventsPerMessage)
      if (cut === null) throw new UnrecoverableError(`chunk ${id} is not a valid entries stream`)
      payloads = cut.messages
      oversize = cut.oversize
      if (cut.refused.length > 0 && !this.diverted.has(`${id}:refused`)) {
        if (this.diverted.size >= 1024) this.diverted.clear()
        this.diverted.add(`${id}:refused`)
        const parts = cut.refused.map((p) => chunk.entries.subarray(p.start, p.end))
        this.deps.divert({ tag: chunk.tag, entries: concat(parts), count: parts.length }, cut.error)
      }
    } else {
      let entriesBudget = budget - envelopeOverhead(Buffer.byteLength(chunk.tag))
      if (o.gzip) entriesBudget -= gzipGrowth(entriesBudget)
      if (entriesBudget < 64) throw new UnrecoverableError(`the tag ${chunk.tag} leaves no room for events in a ${budget}-byte message`)
      const cut = cutEntries(core, chunk.entries, entriesBudget, o.maxEventsPerMessage)
      if (cut === null) throw new UnrecoverableError(`chunk ${id} is not a valid entries stream`)
      oversize = cut.oversize
      payloads = []
      for (const p of cut.pieces) {
        const entries = chunk.entries.subarray(p.start, p.end)
        payloads.push(forwardMessage(chunk.tag, o.gzip ? await gzip(entries) : entries, p.count, o.gzip))
      }
    }
    if (oversize.length > 0 && !this.diverted.has(id)) {
      // Chunks that were never delivered (backup, secondary) leave their id behind: keep the set small.
      if (this.diverted.size >= 1024) this.diverted.clear()
      this.diverted.add(id)
      const parts = oversize.map((p) => chunk.entries.subarray(p.start, p.end))
      this.deps.divert(
        { tag: chunk.tag, entries: concat(parts), count: parts.length },
        new Error(
          `events larger than one NATS message (${budget} bytes with max_message_bytes ${o.maxMessageBytes}, server max_payload ${serverMax})`,
        ),
      )
    }
    return payloads
  }

  private async publishCore(nc: NatsConnection, subject: string, payloads: Uint8Array[], id: string): Promise<void> {
    for (const p of payloads) nc.publish(subject, p)
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `the NATS server did not answer within publish_timeout after chunk ${id} (core NATS: the messages may or may not have been received)`,
            ),
          ),
        this.options.publishTimeoutMs,
      )
    })
    try {
      await Promise.race([nc.flush(), timeout])
    } catch (error) {
      this.counters.failures++
      throw error
    } finally {
      clearTimeout(timer)
    }
    this.counters.messages += payloads.length
  }

  private jetStream(nc: NatsConnection): JetStreamClient {
    if (this.client?.nc !== nc) this.client = { nc, js: nats().jetstream.jetstream(nc, { timeout: this.options.publishTimeoutMs }) }
    return this.client.js
  }

  private publishJetStream(nc: NatsConnection, subject: string, payloads: Uint8Array[], id: string, signal?: AbortSignal): Promise<void> {
    const o = this.options
    const js = this.jetStream(nc)
    const total = payloads.length
    if (total === 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      let next = 0
      let inFlight = 0
      let acked = 0
      let failed = false
      const fail = (error: Error) => {
        if (failed) return
        failed = true
        signal?.removeEventListener('abort', onAbort)
        reject(error)
      }
      const onAbort = () => fail(new Error(`the write of chunk ${id} was given up (${acked} of ${total} messages acknowledged)`))
      signal?.addEventListener('abort', onAbort, { once: true })
      const launch = () => {
        while (!failed && inFlight < o.maxPendingAcks && next < total) {
          const i = next++
          inFlight++
          const h = nats().transport.headers()
          h.set('Nats-Msg-Id', `${id}-${i}`)
          if (o.stream !== null) h.set('Nats-Expected-Stream', o.stream)
          js.publish(subject, payloads[i], { headers: h, timeout: o.publishTimeoutMs }).then(
            (ack) => {
              inFlight--
              acked++
              this.counters.messages++
              if (ack.duplicate) this.counters.duplicates++
              if (failed) return
              if (acked === total) {
                signal?.removeEventListener('abort', onAbort)
                resolve()
              } else launch()
            },
            (error: unknown) => {
              inFlight--
              if (failed) return
              fail(this.describe(error, subject, i, total, id))
            },
          )
        }
      }
      launch()
    })
  }

  private describe(error: unknown, subject: string, i: number, total: number, id: string): Error {
    const o = this.options
    const what = `message ${i + 1} of ${total} of chunk ${id} on ${subject}`
    const name = error instanceof Error ? error.name : ''
    if (name === 'TimeoutError') {
      this.counters.timeouts++
      return new Error(`JetStream did not acknowledge ${what} within publish_timeout (${o.publishTimeoutMs / 1000}s)`)
    }
    this.counters.failures++
    if (name === 'JetStreamNotEnabled' || name === 'NoRespondersError') {
      // The stream may have been deleted since it was made sure of: create_stream makes it again.
      this.deps.streams.forget()
      return new Error(
        `no JetStream stream takes ${what} (no responders): create a stream for the subject (create_stream true) or check subject and stream`,
      )
    }
    if (error instanceof nats().jetstream.JetStreamApiError)
      return new Error(`JetStream refused ${what}: ${error.message} (err_code ${error.code})`)
    return new Error(`publishing ${what} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}
