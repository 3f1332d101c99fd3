/**
 * @module One receiver (`<server>`): connect (connect_timeout), send one PackedForward message
 * with cork/uncork (header, the chunk's entries as the buffer's parts, options — no concatenation), then
 * either resolve when the write was handed to the kernel or wait for the matching ack
 * (ack_response_timeout). Availability follows Fluentd's Node: heartbeats feed the phi accrual
 * detector; hard_timeout or phi above the threshold detaches; a detached server recovers after
 * `recover_wait / heartbeat_interval` heartbeats; an ack timeout or a connection lost while
 * waiting for an ack disables it. With `heartbeat_type none` a server is always available. Host
 * names go through the server's HostResolver (expire_dns_cache, dns_round_robin; the cached
 * address is dropped when the server is detached or disabled). A send follows the buffer's
 * AbortSignal: when the buffer gives up on the write the socket is destroyed at once. A new
 * connection runs the server's session (TLS, the <security> handshake; session.ts) before use.
 */

import { connect, type Socket } from 'node:net'
import type { Logger } from '../../../engine/log.ts'
import { AckReader } from '../../../engine/forward/ack.ts'
import type { ForwardOutputOptions, ServerOptions } from './options.ts'
import { FailureDetector } from './phi.ts'
import { AckChannel } from './channel.ts'
import { SocketPool } from './pool.ts'
import { HostResolver } from './resolver.ts'
import { establishSession } from './session.ts'

const ignore = (): void => undefined

/** One chunk ready to send: the envelope parts and the ack id (null: no ack wanted). */
export interface Payload {
  header: Uint8Array
  /** The entries as consecutive parts (the buffer's blocks, not joined). */
  entries: readonly Uint8Array[]
  options: Uint8Array
  chunkId: string | null
  /** For logs. */
  chunkHex: string
  events: number
}

/** Where a send failed. */
export type SendFailure = 'connect' | 'write' | 'ack-timeout' | 'lost' | 'mismatch'

/** Why a send failed; an ack timeout or a connection lost while waiting for the ack disables the server. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly failure: SendFailure,
  ) {
    super(message)
  }

  get disable(): boolean {
    return this.failure === 'ack-timeout' || this.failure === 'lost'
  }

  /** The chunk reached the server but was not confirmed: roll back and send it elsewhere. */
  get unconfirmed(): boolean {
    return this.failure === 'ack-timeout' || this.failure === 'lost' || this.failure === 'mismatch'
  }
}

export class ForwardNode {
  private isAvailable = true
  private readonly failure: FailureDetector
  private readonly recoverSampleSize: number
  readonly pool: SocketPool
  /** keepalive with acks: the one connection chunks are pipelined on (channel.ts). */
  private channel: AckChannel | null = null
  private opening: Promise<AckChannel> | null = null
  readonly resolver: HostResolver
  /** Heartbeats received (for status and tests). */
  heartbeats = 0
  /** Called when availability changed (the balancer rebuilds). */
  onChange: () => void = () => undefined

  constructor(
    readonly server: ServerOptions,
    private readonly options: ForwardOutputOptions,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    const interval = options.heartbeatIntervalMs / 1000
    this.failure = new FailureDetector(interval, options.hardTimeoutMs / 1000, clock() / 1000)
    this.recoverSampleSize = options.recoverWaitMs / options.heartbeatIntervalMs
    this.pool = new SocketPool(options.keepalive ? options.keepaliveTimeoutMs : 0, clock)
    this.resolver = new HostResolver(server.host, options.expireDnsCacheMs, options.dnsRoundRobin, clock)
  }

  get name(): string {
    return this.server.name
  }

  get weight(): number {
    return this.server.weight
  }

  get standby(): boolean {
    return this.server.standby
  }

  get available(): boolean {
    return this.options.heartbeatType === 'none' || this.isAvailable
  }

  /**
   * Sends one chunk; resolves when written (no ack wanted) or acked. A pooled socket the server
   * closed while it was idle may still take the write; when it then fails (write error, or closed
   * before the ack) the chunk is sent once more on a new connection instead of failing the write.
   */
  async send(payload: Payload, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    if (this.options.keepalive && payload.chunkId !== null) return this.sendPipelined(payload, signal)
    const pooled = this.options.keepalive ? this.pool.take() : null
    if (pooled !== null) {
      try {
        await this.exchange(pooled, payload, signal)
        this.sent(pooled)
        return
      } catch (err) {
        pooled.destroy()
        const stale = err instanceof SendError && (err.failure === 'write' || err.failure === 'lost')
        if (!stale || signal?.aborted) return this.failed(err, signal)
        this.log.debug('A pooled connection was closed by the server; sending on a new one.', { server: this.name })
      }
    }
    const socket = await this.connect(signal)
    try {
      await this.exchange(socket, payload, signal)
    } catch (err) {
      socket.destroy()
      return this.failed(err, signal)
    }
    this.sent(socket)
  }

  /**
   * keepalive with acks: the chunk goes on the server's one connection behind the chunks already in
   * flight there (channel.ts). A connection that was idle may have been closed by the server: when
   * it fails the write or is lost, the chunk is sent once more on a new connection.
   */
  private async sendPipelined(payload: Payload, signal?: AbortSignal): Promise<void> {
    let channel = this.channel
    if (channel?.usable && channel.inFlight === 0 && this.keepaliveExpired(channel)) {
      channel.retire()
      channel = null
    }
    if (channel?.usable) {
      const reused = channel.inFlight === 0
      try {
        await channel.send(payload, signal)
        this.heartbeat(false)
        return
      } catch (err) {
        const stale = reused && err instanceof SendError && (err.failure === 'write' || err.failure === 'lost')
        if (!stale || signal?.aborted) return this.failed(err, signal)
        this.log.debug('A pooled connection was closed by the server; sending on a new one.', { server: this.name })
      }
    }
    try {
      channel = await this.openChannel()
      signal?.throwIfAborted()
      await channel.send(payload, signal)
    } catch (err) {
      return this.failed(err, signal)
    }
    this.heartbeat(false)
  }

  private keepaliveExpired(channel: AckChannel): boolean {
    return this.options.keepaliveTimeoutMs > 0 && this.clock() - channel.idleSince > this.options.keepaliveTimeoutMs
  }

  /** The current usable channel, or a new connection (concurrent callers share one connect). */
  private openChannel(): Promise<AckChannel> {
    if (this.channel?.usable) return Promise.resolve(this.channel)
    // Shared by every chunk waiting for it: no one chunk's abort signal cancels it.
    this.opening ??= this.connect()
      .then((socket) => {
        const channel = new AckChannel(socket, this.name, this.options.ackResponseTimeoutMs, (s, p) => this.write(s, p), this.clock)
        this.channel = channel
        return channel
      })
      .finally(() => {
        this.opening = null
      })
    return this.opening
  }

  /** Write, then wait for the ack; an abort destroys the socket (the pending step rejects). */
  private async exchange(socket: Socket, payload: Payload, signal?: AbortSignal): Promise<void> {
    const onAbort = () => socket.destroy()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      await this.write(socket, payload)
      if (payload.chunkId !== null) await this.awaitAck(socket, payload.chunkId, payload.chunkHex)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  private failed(err: unknown, signal?: AbortSignal): never {
    // The buffer gave up on this write: not the server's fault.
    if (signal?.aborted) throw signal.reason ?? err
    if (err instanceof SendError && err.disable) this.disable(err.message)
    throw err
  }

  private sent(socket: Socket): void {
    this.heartbeat(false)
    if (this.options.keepalive) this.pool.put(socket)
    else socket.end(() => socket.destroy())
  }

  /** Resolves the host (expire_dns_cache) and opens a connection (connect_timeout; errors name the server). */
  async connect(signal?: AbortSignal): Promise<Socket> {
    let address: string
    try {
      address = (await this.resolver.resolve()).address
    } catch (err) {
      throw new SendError(`cannot resolve ${this.server.host} for ${this.name}: ${(err as Error).message}`, 'connect')
    }
    signal?.throwIfAborted()
    const socket = await this.open(address, signal)
    const session = this.server.session
    if (session === undefined) return socket
    // TLS and the handshake share one deadline: the lower of connect_timeout and hard_timeout.
    const limits = [this.options.connectTimeoutMs, this.options.hardTimeoutMs].filter((ms) => ms > 0)
    try {
      return await establishSession(socket, session, this.server.host, limits.length > 0 ? Math.min(...limits) : 0, signal)
    } catch (err) {
      throw new SendError(`cannot connect to ${this.name}: ${(err as Error).message}`, 'connect')
    }
  }

  private open(address: string, signal?: AbortSignal): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address, port: this.server.port })
      // A receiver may answer our FIN with an RST (Fluentd does): never let a late error escape.
      socket.on('error', ignore)
      let timer: ReturnType<typeof setTimeout> | undefined
      const onAbort = () => fail(new Error('the buffer gave up on the write'))
      const fail = (err: Error) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        socket.destroy()
        reject(new SendError(`cannot connect to ${this.name}: ${err.message}`, 'connect'))
      }
      if (this.options.connectTimeoutMs > 0) {
        timer = setTimeout(() => fail(new Error(`connect_timeout (${this.options.connectTimeoutMs} ms)`)), this.options.connectTimeoutMs)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      socket.once('error', fail)
      socket.once('connect', () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        socket.off('error', fail)
        socket.setNoDelay(true)
        if (this.options.sendKeepalivePacket) socket.setKeepAlive(true)
        resolve(socket)
      })
    })
  }

  /** header + entry parts + options in one corked write (a writev); send_timeout while it makes no progress. */
  private write(socket: Socket, payload: Payload): Promise<void> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        socket.setTimeout(0)
        socket.off('timeout', onTimeout)
        socket.off('error', onError)
        socket.off('close', onClose)
      }
      const fail = (err: SendError) => {
        cleanup()
        reject(err)
      }
      const onTimeout = () => fail(new SendError(`send_timeout (${this.options.sendTimeoutMs} ms) writing to ${this.name}`, 'write'))
      const onError = (err: Error) => fail(new SendError(`cannot write to ${this.name}: ${err.message}`, 'write'))
      const onClose = () => fail(new SendError(`${this.name} closed the connection during the write`, 'write'))
      if (this.options.sendTimeoutMs > 0) {
        socket.setTimeout(this.options.sendTimeoutMs)
        socket.on('timeout', onTimeout)
      }
      socket.on('error', onError)
      socket.on('close', onClose)
      socket.cork()
      socket.write(payload.header)
      for (const part of payload.entries) socket.write(part)
      socket.write(payload.options, (err) => {
        if (err) return onError(err)
        cleanup()
        resolve()
      })
      socket.uncork()
    })
  }

  /** Waits for `{"ack": chunkId}`; a timeout or a lost connection disables the server. */
  private awaitAck(socket: Socket, chunkId: string, chunkHex: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const reader = new AckReader(chunkId)
      const cleanup = () => {
        clearTimeout(timer)
        socket.off('data', onData)
        socket.off('error', onLost)
        socket.off('close', onLost)
        socket.off('end', onLost)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(
          new SendError(
            `no ack from ${this.name} within ack_response_timeout (${this.options.ackResponseTimeoutMs} ms) for chunk ${chunkHex}`,
            'ack-timeout',
          ),
        )
      }, this.options.ackResponseTimeoutMs)
      const onLost = (err?: Error) => {
        cleanup()
        reject(
          new SendError(
            `${this.name} closed the connection before acking chunk ${chunkHex}${err instanceof Error ? ` (${err.message})` : ''}`,
            'lost',
          ),
        )
      }
      const onData = (data: Buffer) => {
        const outcome = reader.push(data)
        if (outcome === 'more') return
        cleanup()
        if (outcome === 'ok') resolve()
        else reject(new SendError(`${this.name} answered ${reader.answered} instead of the ack for chunk ${chunkHex}`, 'mismatch'))
      }
      socket.on('data', onData)
      socket.on('error', onLost)
      socket.on('close', onLost)
      socket.on('end', onLost)
    })
  }

  /** A heartbeat arrived (or a send succeeded: `detect` false). Returns true when the server recovered. */
  heartbeat(detect = true): boolean {
    if (this.options.heartbeatType === 'none') return false
    if (detect) this.heartbeats++
    this.failure.add(this.clock() / 1000)
    if (detect && !this.isAvailable && this.failure.sampleSize > this.recoverSampleSize) {
      this.isAvailable = true
      this.log.warn('Recovered forwarding server.', { server: this.name, host: this.server.host, port: this.server.port })
      this.onChange()
      return true
    }
    return false
  }

  /** The per-interval check: detaches on hard_timeout or phi above the threshold. */
  tick(): void {
    if (this.options.heartbeatType === 'none') return
    const now = this.clock() / 1000
    if (!this.isAvailable) {
      if (this.failure.hardTimeoutPassed(now)) this.failure.clear()
      return
    }
    if (this.failure.hardTimeoutPassed(now)) {
      this.detach({ hard_timeout: true })
      return
    }
    if (this.options.phiFailureDetector) {
      const phi = this.failure.phi(now)
      if (phi > this.options.phiThreshold) this.detach({ phi: Number(phi.toFixed(3)), phi_threshold: this.options.phiThreshold })
    }
  }

  /** Marks the server unavailable after an ack failure (it recovers with heartbeats). */
  disable(reason: string): void {
    this.resolver.clear()
    if (this.options.heartbeatType === 'none' || !this.isAvailable) return
    this.isAvailable = false
    this.closeIdle()
    this.log.warn('Disabled forwarding server.', { server: this.name, reason })
    this.onChange()
  }

  private detach(fields: Record<string, unknown>): void {
    this.isAvailable = false
    this.failure.clear()
    this.closeIdle()
    this.resolver.clear()
    this.log.warn('Detached forwarding server.', { server: this.name, host: this.server.host, port: this.server.port, ...fields })
    this.onChange()
  }

  /** Idle pooled sockets close; the channel takes no new chunk and closes once its acks are in. */
  private closeIdle(): void {
    this.pool.close()
    this.channel?.retire()
    this.channel = null
  }

  /** Chunks awaiting their ack on the pipelined connection (keepalive with acks). */
  get inFlight(): number {
    return this.channel?.inFlight ?? 0
  }

  /** Open connections kept for the next chunks (idle pooled sockets, the pipelined one). */
  get kept(): number {
    return this.pool.size + (this.channel?.usable ? 1 : 0)
  }

  close(): void {
    this.closeIdle()
  }
}
