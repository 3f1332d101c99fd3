/**
 * @module The in_forward listener: the TCP server (with `backlog`, `max_connections`, peer name
 * resolution for `resolve_hostname`, and the admission — TLS and the `<security>` handshake — a
 * socket passes before it becomes a connection) and the UDP heartbeat responder on the same
 * port. With port 0 the UDP socket takes the port the OS gave TCP (retried a few times if UDP
 * has it taken). Sockets still in admission count towards `max_connections`.
 */

import { promises as dns } from 'node:dns'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import type { Logger } from '../../../engine/log.ts'
import type { Admission } from './admission.ts'
import type { ForwardOptions } from './options.ts'
import { HeartbeatResponder } from './heartbeat.ts'
import type { Peer } from './work.ts'
import { listenOn } from '../listen.ts'

export interface Accepted<I = unknown> {
  info(): I
  /** Starts reading (the socket was accepted paused). */
  start(): void
  drain(): void
  destroy(): void
  closed: Promise<void>
}

const PORT_ZERO_TRIES = 5

export class ForwardServer<I = unknown> {
  private server: Server | null = null
  private readonly heartbeat: HeartbeatResponder
  private readonly connections = new Set<Accepted<I>>()
  private pendingSockets = 0
  private refused = 0

  constructor(
    private readonly options: ForwardOptions,
    private readonly log: Logger,
    private readonly accept: (socket: Socket, peer: Peer, leftover: Buffer | null) => Accepted<I>,
    private readonly admission: Admission | null = null,
  ) {
    this.heartbeat = new HeartbeatResponder(log)
  }

  async listen(): Promise<void> {
    await this.admission?.prepare()
    for (let attempt = 1; ; attempt++) {
      const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.onConnection(socket))
      await listenOn(server, this.options)
      server.on('error', (err) => this.log.error('Listener error.', { error: err.message }))
      const port = (server.address() as AddressInfo).port
      try {
        await this.heartbeat.listen(this.options.bind, port)
      } catch (err) {
        await new Promise((resolve) => server.close(resolve))
        if (this.options.port === 0 && attempt < PORT_ZERO_TRIES) continue
        throw new Error(`cannot listen for UDP heartbeats on ${this.options.bind}:${port}: ${(err as Error).message}`)
      }
      // The daemon logs `listening … port=N` for every listener (ops/start-agent.ts): one line, not two.
      this.server = server
      return
    }
  }

  /** The bound TCP address (tests listen on port 0). */
  address(): AddressInfo {
    if (this.server === null) throw new Error('in_forward is not listening')
    return this.server.address() as AddressInfo
  }

  connectionInfo(): I[] {
    return [...this.connections].map((c) => c.info())
  }

  get connectionCount(): number {
    return this.connections.size + this.pendingSockets
  }

  /**
   * Stops accepting; open connections finish what they read and close. Does not wait for them
   * (an emit may be blocked until the outputs stop): `shutdown` does, within its grace time.
   */
  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    server?.close()
    this.admission?.abortAll()
    await this.heartbeat.close()
    for (const c of this.connections) c.drain()
  }

  /** Waits up to `ms` for the connections to close, then destroys the rest. */
  async shutdown(ms: number): Promise<void> {
    const all = Promise.all([...this.connections].map((c) => c.closed))
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ms)
    })
    const outcome = await Promise.race([all.then(() => 'done' as const), late])
    clearTimeout(timer)
    if (outcome === 'late') for (const c of this.connections) c.destroy()
    await all
  }

  private onConnection(socket: Socket): void {
    const address = socket.remoteAddress ?? ''
    const port = socket.remotePort ?? 0
    socket.on('error', () => socket.destroy())
    if (this.server === null) {
      socket.destroy()
      return
    }
    if (this.connectionCount >= this.options.maxConnections) {
      const n = ++this.refused
      if (n < 512 ? (n & (n - 1)) === 0 : n % 512 === 0) {
        this.log.warn('Too many connections (max_connections); closed a new one.', {
          peer: `${address}:${port}`,
          max_connections: this.options.maxConnections,
          refused_total: n,
        })
      }
      socket.destroy()
      return
    }
    this.pendingSockets++
    const ready = (hostname: string) => {
      const peer = { address, port, hostname }
      if (this.admission === null || socket.destroyed) return this.connected(socket, peer, null)
      this.admission.admit(socket, peer).then((admitted) => {
        if (admitted === null) this.pendingSockets--
        else this.connected(admitted.socket, peer, admitted.leftover)
      })
    }
    if (!this.options.resolveHostname) {
      ready(address)
      return
    }
    dns.lookupService(address, port).then(
      (r) => ready(r.hostname),
      () => ready(address),
    )
  }

  /** A socket (the TLS socket with TLS) that passed admission becomes a connection. */
  private connected(socket: Socket, peer: Peer, leftover: Buffer | null): void {
    this.pendingSockets--
    if (socket.destroyed) return
    const connection = this.accept(socket, peer, leftover)
    this.connections.add(connection)
    connection.closed.then(() => this.connections.delete(connection))
    if (this.server === null) connection.drain()
    else connection.start()
  }
}
