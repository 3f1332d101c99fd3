/**
 * @module The UDP socket of in_udp and in_syslog: bound to `bind`/`port` (IPv6 when `bind` is an
 * IPv6 address), `receive_buffer_size` as SO_RCVBUF, each datagram cut to the receive size
 * (Fluentd's `recv(message_length_limit)`), the sender's name looked up when asked for (cached).
 * A sender cannot be slowed down, so emits run without blocking (engine/output/backpressure.ts):
 * a full `overflow_action block` buffer refuses at once and the datagram's events are dropped,
 * counted and logged (rate-limited) — as the kernel drops datagrams when its buffer is full.
 */

import { createSocket, type Socket } from 'node:dgram'
import { isIP } from 'node:net'
import type { EventStream } from '../../engine/event-stream.ts'
import type { Logger } from '../../engine/log.ts'
import type { PluginMetrics } from '../../engine/metrics.ts'
import { withoutBlocking } from '../../engine/output/backpressure.ts'
import { rateLimited } from '../../engine/output/errors.ts'
import type { EmitTarget } from '../../engine/plugin.ts'
import { bindUdp } from '../plugins/listen.ts'
import { peerOf, type Peer } from './peer.ts'
import { ReverseDnsCache } from './reverse-dns.ts'

export interface UdpListenerOptions {
  port: number
  bind: string
  /** Bytes kept of each datagram. */
  receiveSize: number
  /** SO_RCVBUF (null: the OS default). */
  receiveBufferSize: number | null
  resolveHostname: boolean
}

/** Lookups waiting at most; datagrams beyond that use the address as the name. */
const MAX_PENDING_LOOKUPS = 1024

export class UdpListener {
  private socket: Socket | null = null
  private readonly names = new ReverseDnsCache()
  private pendingLookups = 0
  private readonly failures = rateLimited()

  constructor(
    private readonly options: UdpListenerOptions,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
    private readonly router: EmitTarget,
    /** Turns one datagram (already cut to the receive size) into streams. */
    private readonly datagram: (bytes: Buffer, peer: Peer) => EventStream[],
  ) {}

  async listen(): Promise<void> {
    const socket = createSocket({ type: isIP(this.options.bind) === 6 ? 'udp6' : 'udp4' })
    // Shared by the workers of `<system> workers N` (each datagram reaches one of them).
    await bindUdp(socket, this.options.port, this.options.bind).catch((err: Error) => {
      socket.close()
      throw new Error(`cannot listen on UDP ${this.options.bind}:${this.options.port}: ${err.message}`)
    })
    if (this.options.receiveBufferSize !== null) socket.setRecvBufferSize(this.options.receiveBufferSize)
    socket.on('error', (err) => this.log.error('UDP socket error.', { error: err.message }))
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port))
    this.socket = socket
  }

  address(): { address: string; port: number } {
    if (this.socket === null) throw new Error('not listening')
    return this.socket.address()
  }

  async stop(): Promise<void> {
    const socket = this.socket
    this.socket = null
    if (socket !== null) await new Promise<void>((resolve) => socket.close(() => resolve()))
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    this.metrics.bytesIn += msg.length
    const bytes = msg.length > this.options.receiveSize ? msg.subarray(0, this.options.receiveSize) : msg
    const peer = peerOf(address, port)
    if (!this.options.resolveHostname) return this.handle(bytes, peer)
    const cached = this.names.cached(peer.address)
    if (cached !== null) return this.handle(bytes, { ...peer, hostname: cached })
    if (this.pendingLookups >= MAX_PENDING_LOOKUPS) return this.handle(bytes, peer)
    this.pendingLookups++
    this.names.resolve(peer.address).then((hostname) => {
      this.pendingLookups--
      if (this.socket !== null) this.handle(bytes, { ...peer, hostname })
    })
  }

  private handle(bytes: Buffer, peer: Peer): void {
    let streams: EventStream[]
    try {
      streams = this.datagram(bytes, peer)
    } catch (err) {
      // A parser must not throw on bad input; if one does, that datagram is lost, nothing else.
      this.metrics.errors++
      this.metrics.dropped++
      this.log.error('Cannot process a datagram; dropped it.', {
        peer: `${peer.address}:${peer.port}`,
        error: err instanceof Error ? err.message : String(err),
      })
      return
    }
    for (const stream of streams) this.emit(stream, peer)
  }

  private emit(stream: EventStream, peer: Peer): void {
    const { metrics } = this
    metrics.emits++
    metrics.eventsIn += stream.count
    const failed = (err: unknown) => {
      metrics.errors++
      metrics.dropped += stream.count
      const n = this.failures()
      if (n !== null) {
        this.log.error('Emit failed; dropped the events of a datagram.', {
          peer: `${peer.address}:${peer.port}`,
          tag: stream.tag,
          events: stream.count,
          error: err instanceof Error ? err.message : String(err),
          count: n,
        })
      }
    }
    try {
      const result = withoutBlocking(() => this.router.emit(stream))
      if (result instanceof Promise) {
        result.then(() => {
          metrics.eventsOut += stream.count
          metrics.bytesOut += stream.entries.length
        }, failed)
        return
      }
      metrics.eventsOut += stream.count
      metrics.bytesOut += stream.entries.length
    } catch (err) {
      failed(err)
    }
  }
}

/** Ruby's `chomp`: the end of `bytes` without one trailing "\n", "\r\n" or "\r". */
export function chompEnd(bytes: Uint8Array, end: number): number {
  if (end > 0 && bytes[end - 1] === 0x0a) return end > 1 && bytes[end - 2] === 0x0d ? end - 2 : end - 1
  if (end > 0 && bytes[end - 1] === 0x0d) return end - 1
  return end
}
