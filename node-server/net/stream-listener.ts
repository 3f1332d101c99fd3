/**
 * @module The TCP listener of in_tcp and in_syslog: `bind`/`port`, `max_connections` (sockets in
 * their TLS handshake count; newer ones are closed at once, logged at counts 1, 2, 4 … then every
 * 512th), the `<security><client>` allow-list (a refused client is closed before any byte is
 * read: `anonymous client '<ip>' denied`, rate-limited the same way), the peer's name for
 * `source_hostname_key` (once per connection), TLS (`<transport tls>`, see tls-admission.ts), and
 * stop / shutdown with a grace time for connections still emitting.
 */

import { createServer, type AddressInfo, type BlockList, type Server, type Socket } from 'node:net'
import type { Logger } from '../../engine/log.ts'
import type { PluginMetrics } from '../../engine/metrics.ts'
import { rateLimited } from '../../engine/output/errors.ts'
import { listenOn } from '../plugins/listen.ts'
import { addressIn, clientMatcher, parseNetwork } from './networks.ts'
import { peerOf, type Peer } from './peer.ts'
import { reverseLookup } from './reverse-dns.ts'
import { TlsAdmission } from './tls-admission.ts'
import type { TlsServerSettings } from '../tls/server.ts'

export interface StreamListenerOptions {
  port: number
  bind: string
  maxConnections: number
  /** Look up each peer's host name (source_hostname_key). */
  resolveHostname: boolean
  sendKeepalivePacket: boolean
  tls: TlsServerSettings | null
  handshakeTimeoutMs: number
  /** `<security><client>` rules as written (null: anyone may connect). */
  clients: readonly { host: string | null; network: string | null }[] | null
}

/** What the listener needs of an accepted connection. */
export interface Accepted {
  /** Resolves once the socket is closed. */
  closed: Promise<void>
  /** Stop reading, finish what was read (emits), then close. */
  drain(): void
  /** Close at once. */
  destroy(): void
}

/** Checks the `<client>` rules as Fluentd does (same messages); throws with the reason. */
export function checkClientRules(clients: readonly { host: string | null; network: string | null }[]): void {
  for (const c of clients) {
    if (c.host !== null && c.network !== null) throw new Error("both of 'host' and 'network' are specified for client")
    if (c.host === null && c.network === null) throw new Error("Either of 'host' and 'network' must be specified for client")
    if (c.network !== null) parseNetwork(c.network)
  }
}

export class StreamListener {
  private server: Server | null = null
  private readonly connections = new Set<Accepted>()
  private readonly admission: TlsAdmission | null
  private allowed: BlockList[] | null = null
  private resolving = 0
  private readonly overLimit = rateLimited()
  private readonly denied = rateLimited()

  constructor(
    private readonly options: StreamListenerOptions,
    private readonly log: Logger,
    private readonly metrics: PluginMetrics,
    private readonly accept: (socket: Socket, peer: Peer) => Accepted,
  ) {
    if (options.clients !== null) checkClientRules(options.clients)
    this.admission = options.tls === null ? null : new TlsAdmission(options.tls, options.handshakeTimeoutMs, log, metrics)
  }

  /** Resolves `<client host>` names (a name that does not resolve fails the start), then listens. */
  async listen(): Promise<void> {
    if (this.options.clients !== null) {
      const rules = this.options.clients.map((c) => ({ host: c.host, network: c.network === null ? null : parseNetwork(c.network) }))
      this.allowed = await Promise.all(rules.map((r) => clientMatcher(r)))
    }
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.onConnection(socket))
    await listenOn(server, { port: this.options.port, bind: this.options.bind, backlog: null })
    server.on('error', (err) => this.log.error('Listener error.', { error: err.message }))
    this.server = server
  }

  address(): AddressInfo {
    if (this.server === null) throw new Error('not listening')
    return this.server.address() as AddressInfo
  }

  /** Open connections, including those in their TLS handshake or name lookup. */
  get connectionCount(): number {
    return this.connections.size + (this.admission?.size ?? 0) + this.resolving
  }

  /** Stops accepting; open connections finish what they read and close (`shutdown` waits for them). */
  stop(): void {
    const server = this.server
    this.server = null
    server?.close()
    this.admission?.abortAll()
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
    socket.on('error', () => socket.destroy())
    const peer = peerOf(socket.remoteAddress, socket.remotePort)
    if (this.server === null) {
      socket.destroy()
      return
    }
    if (this.allowed !== null && !this.allowed.some((list) => addressIn(list, socket.remoteAddress ?? ''))) {
      this.metrics.errors++
      const n = this.denied()
      if (n !== null) this.log.warn(`anonymous client '${peer.address}' denied`, { peer: `${peer.address}:${peer.port}`, denied_total: n })
      socket.destroy()
      return
    }
    if (this.connectionCount >= this.options.maxConnections) {
      const n = this.overLimit()
      if (n !== null) {
        this.log.warn('Too many connections (max_connections); closed a new one.', {
          peer: `${peer.address}:${peer.port}`,
          max_connections: this.options.maxConnections,
          refused_total: n,
        })
      }
      socket.destroy()
      return
    }
    if (this.options.sendKeepalivePacket) socket.setKeepAlive(true)
    const admitted = (s: Socket | null) => {
      if (s === null || s.destroyed) return
      if (!this.options.resolveHostname) return this.connected(s, peer)
      this.resolving++
      reverseLookup(peer.address).then((hostname) => {
        this.resolving--
        if (!s.destroyed) this.connected(s, { ...peer, hostname })
      })
    }
    if (this.admission === null) admitted(socket)
    else this.admission.admit(socket, peer).then(admitted)
  }

  private connected(socket: Socket, peer: Peer): void {
    const connection = this.accept(socket, peer)
    this.connections.add(connection)
    connection.closed.then(() => this.connections.delete(connection))
    if (this.server === null) connection.drain()
    else socket.resume()
  }
}
