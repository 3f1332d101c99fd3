/**
 * @module NatsLink: one plugin's connection to NATS, kept up in the background. The first connect
 * is retried here every reconnect_wait (a server that is down at start does not fail the start:
 * the buffer keeps the events); once connected the client reconnects and fails over across the
 * servers itself. `connected` follows the client's disconnect / reconnect events so a writer can
 * fail fast instead of queueing publishes in the client while no server is there. One log line
 * per connect, disconnect and reconnect; a failing first connect is logged at 1, 2, 4 … attempts.
 */

import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from '../../engine/log.ts'
import { rateLimited } from '../../engine/output/errors.ts'
import { loadNats } from './client.ts'
import type { NatsClientOptions } from './options.ts'

/** How long close() lets the client flush what it holds. */
const CLOSE_FLUSH_MS = 2_000

/** Settles when `promise` does or after `ms`, whichever comes first; never rejects. */
export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

export class NatsLink {
  private nc: NatsConnection | null = null
  private isConnected = false
  private closing = false
  private loop: Promise<void> | null = null
  private waiters: (() => void)[] = []
  private wake: (() => void) | null = null
  private readonly failedConnect = rateLimited()

  constructor(
    private readonly options: NatsClientOptions,
    private readonly log: Logger,
  ) {}

  /** True while a server is connected (false during a reconnect). */
  get connected(): boolean {
    return this.isConnected && this.nc !== null && !this.nc.isClosed()
  }

  /** The connection, when connected. */
  get connection(): NatsConnection | null {
    return this.connected ? this.nc : null
  }

  /** Starts connecting in the background (returns at once). */
  start(): void {
    if (this.loop !== null) return
    this.loop = this.run()
  }

  /** Resolves with the connection once connected; rejects after `timeoutMs` or when the link closes. */
  async ready(timeoutMs: number, signal?: AbortSignal): Promise<NatsConnection> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const nc = this.connection
      if (nc !== null) return nc
      if (this.closing) throw new Error('the NATS connection is closed')
      if (signal?.aborted) throw new Error('aborted')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`not connected to NATS (${this.options.servers.join(', ')})`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 1000))
        const abort = () => done()
        signal?.addEventListener('abort', abort, { once: true })
        function done() {
          clearTimeout(timer)
          signal?.removeEventListener('abort', abort)
          resolve()
        }
        this.waiters.push(done)
      })
    }
  }

  private notify(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  private async run(): Promise<void> {
    let attempts = 0
    while (!this.closing) {
      let nc: NatsConnection
      try {
        const { transport } = await loadNats()
        nc = await transport.connect(this.options.connect)
      } catch (error) {
        attempts++
        const n = this.failedConnect()
        if (n !== null)
          this.log.warn('Cannot connect to NATS; trying again.', {
            servers: this.options.servers,
            error: String((error as Error).message ?? error),
            attempts: n,
            retry_in_ms: this.options.reconnectWaitMs,
          })
        await this.sleep(this.options.reconnectWaitMs)
        continue
      }
      if (this.closing) {
        await nc.close().catch(() => undefined)
        break
      }
      this.nc = nc
      this.isConnected = true
      this.log.info('Connected to NATS.', {
        server: nc.getServer(),
        version: nc.info?.version,
        jetstream: nc.info?.jetstream === true,
        max_payload: nc.info?.max_payload,
        auth: this.options.auth,
        tls: this.options.tls,
        ...(attempts > 0 ? { attempts } : {}),
      })
      attempts = 0
      this.notify()
      void this.watch(nc)
      const error = await nc.closed()
      this.isConnected = false
      this.nc = null
      if (!this.closing) {
        this.log.warn('The NATS connection was closed; connecting again.', { error: error ? error.message : undefined })
        await this.sleep(this.options.reconnectWaitMs)
      }
    }
  }

  /** Follows disconnects and reconnects (one log line each). */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.isConnected = false
          if (!this.closing) this.log.warn('Disconnected from NATS; reconnecting.', { server: s.server })
          break
        case 'reconnect':
          this.isConnected = true
          this.log.info('Reconnected to NATS.', { server: s.server })
          this.notify()
          break
        case 'ldm':
          this.log.warn('The NATS server is entering lame duck mode; the client will move to another server.', { server: s.server })
          break
        case 'staleConnection':
          this.log.warn('The NATS connection is stale (PINGs unanswered); reconnecting.')
          break
        case 'error':
          this.log.warn('The NATS server reported an error.', { error: s.error.message })
          break
        default:
          break
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const self = this
      function done() {
        clearTimeout(timer)
        if (self.wake === done) self.wake = null
        resolve()
      }
      this.wake = done
    })
  }

  /** Closes the connection (publishes already handed to the client are flushed first when it is up). */
  async close(): Promise<void> {
    this.closing = true
    this.wake?.()
    this.notify()
    const nc = this.nc
    if (nc !== null && !nc.isClosed()) {
      // Bounded: a server stopped with SIGSTOP never answers the flush's PING.
      if (this.connected) await withTimeout(nc.flush(), CLOSE_FLUSH_MS)
      await withTimeout(nc.close(), CLOSE_FLUSH_MS)
    }
    await this.loop
  }
}
