/**
 * @module The out_forward ChunkWriter: prepares a chunk once (entries as they are, or re-encoded
 * with integer times through the core's packer for `time_as_integer`, gzipped into one member for
 * `compress gzip`), then sends it to a server chosen by the balancer. A failed connect or write
 * moves on to the next server within the write; when every one failed the write rejects (the
 * buffer retries with backoff). A chunk that reached a server but was not confirmed (ack timeout,
 * connection lost before the ack, wrong ack) ends the write with a RollbackError: the buffer
 * writes it again at once without a retry step, and that server is tried last for this chunk
 * (disabled too, for a timeout or a lost connection). `write` resolves when the chunk was written
 * (no ack wanted) or acked; it stops at once when the buffer aborts the write.
 */

import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { Core, Packer } from '../../../wasm/core.ts'
import type { Logger } from '../../../engine/log.ts'
import { chunkIdHex, type Chunk, type ChunkWriter, type WriteContext } from '../../../engine/output/chunk.ts'
import { RollbackError } from '../../../engine/output/errors.ts'
import { LoadBalancer } from './balancer.ts'
import type { ForwardOutputOptions } from './options.ts'
import { envelopeHeader, envelopeOptions, forwardChunkId } from '../../../engine/forward/envelope.ts'
import { withIntegerTimes } from '../../../engine/forward/integer-times.ts'
import { HeartbeatLoop } from './heartbeat.ts'
import { ForwardNode, SendError, type Payload } from './node.ts'

const gzip = promisify(gzipCallback)
const NO_LIMIT = 0x7fff_ffff
/** Chunks remembered with the servers that did not confirm them (the oldest are forgotten first). */
const UNCONFIRMED_LIMIT = 4096

const isUnconfirmed = (err: unknown) => err instanceof SendError && err.unconfirmed

export class ForwardWriter implements ChunkWriter {
  /** Sends the buffer's parts as they are and holds nothing once a write resolved (node.ts writes them in one corked writev). */
  readonly readsParts = true
  readonly nodes: ForwardNode[]
  readonly balancer: LoadBalancer<ForwardNode>
  private readonly heartbeat: HeartbeatLoop
  private integerPacker: Packer | null = null
  private purgeTimer: ReturnType<typeof setInterval> | undefined
  /** chunk id (hex) → servers where it was sent and not confirmed. */
  private readonly unconfirmed = new Map<string, Set<ForwardNode>>()

  constructor(
    private readonly core: Core,
    private readonly options: ForwardOutputOptions,
    private readonly log: Logger,
    clock: () => number = Date.now,
  ) {
    this.nodes = options.servers.map((s) => new ForwardNode(s, options, log, clock))
    this.balancer = new LoadBalancer(this.nodes, log)
    for (const node of this.nodes) node.onChange = () => this.balancer.rebuild()
    this.heartbeat = new HeartbeatLoop(this.nodes, options.heartbeatType, options.heartbeatIntervalMs, log)
  }

  async start(): Promise<void> {
    for (const node of this.nodes) {
      try {
        await node.resolver.resolve()
      } catch (err) {
        const message = `cannot resolve the host of server ${node.name}: ${(err as Error).message}`
        if (!this.options.ignoreNetworkErrorsAtStartup)
          throw new Error(`${message} (set ignore_network_errors_at_startup true to start anyway)`)
        this.log.warn(`${message}; starting anyway (ignore_network_errors_at_startup).`, { server: node.name })
      }
    }
    if (this.options.verifyConnectionAtStartup) {
      for (const node of this.nodes) {
        const socket = await node.connect()
        socket.end(() => socket.destroy())
      }
    }
    await this.heartbeat.start()
    if (this.options.keepalive && this.options.keepaliveTimeoutMs > 0) {
      this.purgeTimer = setInterval(() => {
        for (const node of this.nodes) node.pool.purge()
      }, 5_000)
      this.purgeTimer.unref()
    }
  }

  stop(): void {
    this.heartbeat.stop()
    clearInterval(this.purgeTimer)
    for (const node of this.nodes) node.close()
    this.integerPacker?.free()
    this.integerPacker = null
  }

  async write(chunk: Chunk, context?: WriteContext): Promise<void> {
    const signal = context?.signal
    const payload = await this.prepare(chunk)
    signal?.throwIfAborted()
    const avoid = this.unconfirmed.get(payload.chunkHex)
    let last: ForwardNode | null = null
    try {
      await this.balancer.select(
        (node) => {
          last = node
          return node.send(payload, signal)
        },
        { avoid, stop: (err) => isUnconfirmed(err) || signal?.aborted === true },
      )
    } catch (err) {
      // The buffer logs the failure with its retry state; this line adds the chunk's details.
      this.log.debug('Cannot forward a chunk.', {
        chunk_id: payload.chunkHex,
        tag: chunk.tag,
        events: chunk.count,
        error: (err as Error).message,
      })
      if (isUnconfirmed(err) && last !== null && !signal?.aborted) {
        this.remember(payload.chunkHex, last)
        throw new RollbackError((err as Error).message)
      }
      throw err
    }
    this.unconfirmed.delete(payload.chunkHex)
  }

  /** Notes a server that did not confirm a chunk (tried last when the chunk is written again). */
  private remember(chunkHex: string, node: ForwardNode): void {
    let nodes = this.unconfirmed.get(chunkHex)
    if (nodes === undefined) {
      if (this.unconfirmed.size >= UNCONFIRMED_LIMIT) this.unconfirmed.delete(this.unconfirmed.keys().next().value!)
      nodes = new Set()
      this.unconfirmed.set(chunkHex, nodes)
    }
    nodes.add(node)
    // Every server failed this chunk once: start over (the balancer's order decides again).
    if (nodes.size >= this.nodes.length) this.unconfirmed.delete(chunkHex)
  }

  /** Each server's state, for monitor_agent-style status. */
  status(): Record<string, unknown>[] {
    return this.nodes.map((n) => ({
      name: n.name,
      available: n.available,
      weight: n.weight,
      standby: n.standby,
      heartbeats: n.heartbeats,
      pooled: n.kept,
      in_flight: n.inFlight,
    }))
  }

  /**
   * The envelope parts for a chunk (computed once, whichever server takes it). A chunk sent as it
   * is goes out as the buffer's own parts (no copy); time_as_integer and gzip build new bytes.
   */
  async prepare(chunk: Chunk): Promise<Payload> {
    let entries: readonly Uint8Array[]
    let events = chunk.count
    if (this.options.timeAsInteger || this.options.compress) {
      let joined = chunk.entries
      if (this.options.timeAsInteger) ({ entries: joined, count: events } = this.withIntegerTimes(joined))
      if (this.options.compress) joined = await gzip(joined)
      entries = [joined]
    } else {
      entries = chunk.parts ?? [chunk.entries]
    }
    let bytes = 0
    for (const part of entries) bytes += part.length
    const chunkId = this.options.requireAckResponse ? forwardChunkId(chunk.id) : null
    return {
      header: envelopeHeader(chunk.tag, bytes),
      entries,
      options: envelopeOptions(events, chunkId, this.options.compress),
      chunkId,
      chunkHex: chunkIdHex(chunk.id),
      events,
    }
  }

  /** Re-encodes `[EventTime, record]` entries with integer seconds (aux walk + packer, in WASM). */
  private withIntegerTimes(entries: Uint8Array): { entries: Uint8Array; count: number } {
    this.integerPacker ??= this.core.createPacker({ mode: 'packed', timeAsInteger: true, byteLimit: NO_LIMIT, entryLimit: NO_LIMIT })
    const pieces = withIntegerTimes(this.core, this.integerPacker, entries, Date.now(), 'chunk entries')
    this.integerPacker.reset()
    if (pieces.length > 1) throw new Error('time_as_integer: the re-encoded chunk does not fit one message')
    return pieces[0] ?? { entries: new Uint8Array(0), count: 0 }
  }
}
