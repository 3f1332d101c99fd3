/**
 * @module Sends one stream over the Forward protocol while the request waits: the entries are cut
 * into PackedForward messages of at most chunk_limit_size (views of the stream's bytes; re-packed
 * by the core only for time_as_integer; gzip'd when asked), written on one connection, and — with
 * require_ack_response — every message's ack awaited. Servers are tried in a weighted random
 * order (standby ones last); a server that fails gets only the messages not acked yet.
 */

import type { Core } from '../../../../wasm/core.ts'
import type { EventStream } from '../../../../engine/event-stream.ts'
import type { Logger } from '../../../../engine/log.ts'
import { newChunkId } from '../../../../engine/output/chunk.ts'
import { DeliveryError, messageOf, withTimeout } from '../../errors.ts'
import { gzip } from '../../gzip.ts'
import type { EdgePlatform } from '../../platform.ts'
import { splitEntries, type Piece } from '../../split.ts'
import type { ForwardOptions, ServerOptions } from './options.ts'
import { ForwardConnection } from './connection.ts'
import { ackChunk } from '../../../../engine/forward/ack.ts'
import { envelope, forwardChunkId } from '../../../../engine/forward/envelope.ts'
import { withIntegerTimes } from '../../../../engine/forward/integer-times.ts'
import { describeValue } from '../../../../engine/forward/msgpack.ts'

const textDecoder = new TextDecoder()

interface Outgoing {
  parts: Uint8Array[]
  /** The chunk id (acks wanted), else null. */
  id: string | null
  count: number
  done: boolean
}

export class ForwardSender {
  constructor(
    private readonly core: Core,
    private readonly platform: EdgePlatform,
    private readonly options: ForwardOptions,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Resolves once every event was acked (or written, without acks); DeliveryError when no server took them. */
  async send(stream: EventStream): Promise<void> {
    const o = this.options
    const pieces = o.timeAsInteger ? this.repack(stream) : splitEntries(this.core, stream.entries, stream.count, o.chunkLimit)
    const outgoing: Outgoing[] = []
    for (const piece of pieces) {
      const payload = o.gzip ? await gzip(piece.entries) : piece.entries
      const id = o.requireAck ? forwardChunkId(newChunkId(this.now())) : null
      outgoing.push({ parts: envelope(stream.tag, payload, piece.count, id, o.gzip), id, count: piece.count, done: false })
    }
    const failures: string[] = []
    for (const server of serverOrder(o.servers, this.random)) {
      const pending = outgoing.filter((m) => !m.done)
      if (pending.length === 0) return
      try {
        await this.sendTo(server, pending)
        return
      } catch (error) {
        failures.push(`${server.name}: ${messageOf(error)}`)
        this.log.warn('forward to a server failed; trying the next one', { server: server.name, tag: stream.tag, error: messageOf(error) })
      }
    }
    throw new DeliveryError(`no server took the events (${failures.join('; ')})`)
  }

  private async sendTo(server: ServerOptions, messages: Outgoing[]): Promise<void> {
    const o = this.options
    const connection = await ForwardConnection.open(this.platform, server, {
      selfHostname: o.selfHostname,
      connectTimeoutMs: o.connectTimeoutMs,
      tls: o.tls,
    })
    try {
      await withTimeout(connection.write(messages.flatMap((m) => m.parts)), o.sendTimeoutMs, `sending to ${server.name}`, () =>
        connection.close(),
      )
      if (!o.requireAck) {
        for (const m of messages) m.done = true
        return
      }
      const waiting = new Map(messages.map((m) => [m.id!, m]))
      await withTimeout(
        (async () => {
          while (waiting.size > 0) {
            const answer = await connection.next('an ack')
            const chunk = ackChunk(answer)
            const id = chunk === null ? null : textDecoder.decode(chunk)
            const message = id === null ? undefined : waiting.get(id)
            if (message === undefined)
              throw new DeliveryError(`${server.name} answered ${describeValue(answer)}, not an ack of a chunk sent`)
            message.done = true
            waiting.delete(id!)
          }
        })(),
        o.ackTimeoutMs,
        `waiting for the acks of ${server.name}`,
        () => connection.close(),
      )
    } finally {
      connection.close()
    }
  }

  /** time_as_integer: the core's packer rewrites the entries with integer times, in pieces of chunk_limit_size. */
  private repack(stream: EventStream): Piece[] {
    const limit = this.options.chunkLimit
    const packer = this.core.createPacker({ mode: 'packed', timeAsInteger: true, byteLimit: limit, entryLimit: 0xffffffff })
    try {
      return withIntegerTimes(this.core, packer, stream.entries, this.now(), `the events of ${stream.tag}`, `chunk_limit_size (${limit})`)
    } finally {
      packer.free()
    }
  }
}

/** Regular servers in a weighted random order (Efraimidis–Spirakis), then standby ones likewise; weight 0 never. */
export function serverOrder(servers: readonly ServerOptions[], random: () => number = Math.random): ServerOptions[] {
  const keyed = servers.filter((s) => s.weight > 0).map((s) => ({ s, key: random() ** (1 / s.weight) }))
  const ordered = (standby: boolean) =>
    keyed
      .filter((k) => k.s.standby === standby)
      .sort((a, b) => b.key - a.key)
      .map((k) => k.s)
  return [...ordered(false), ...ordered(true)]
}
