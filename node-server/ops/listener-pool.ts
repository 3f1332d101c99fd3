/**
 * @module Listening sockets that survive a reload. Every TCP listen in the process is observed
 * through Node's `net.server.listen` tracing channel (public diagnostics_channel API): which plugin
 * listened (AsyncLocalStorage set around each plugin's start), on what address, the bound port,
 * and errors such as EADDRINUSE. For a reload, `park()` takes the listening handles away from the
 * old agent's servers (they close as usual, the socket stays open) and holds every connection that
 * arrives meanwhile; a server of the next agent that listens on the same host and port gets the
 * parked handle (Node's documented `listen(handle)` path: a server given an existing `_handle`
 * keeps it) and the held connections. A server that asks for port 0 gets the parked listener of
 * the same plugin (same @id and type), whatever port that one had: "any port" may as well be the
 * one clients already use.
 * Clients never see a refused connection across a reload.
 *
 * Internals used, checked by listener-pool.test.ts: a net.Server keeps its listening handle in
 * `_handle`, that handle calls `onconnection(status, clientHandle)`, and `setupListenHandle` keeps
 * a handle that is already set.
 */

import { AsyncLocalStorage } from 'node:async_hooks'
import { tracingChannel } from 'node:diagnostics_channel'
import type { AddressInfo, Server } from 'node:net'

/** Who opened a listener: a plugin of one agent generation. */
export interface ListenerOwner {
  generation: number
  pluginId: string
  type: string
  kind: string
  /**
   * The same plugin in every worker and every generation: its written `@id`, else its type and
   * config position. A worker's `port 0` listener is shared by the workers under this name.
   */
  site?: string
}

export interface ListenEvent {
  server: Server
  owner: ListenerOwner | undefined
  /** As requested (`bind` / `port`): host '' when none was given. */
  host: string
  port: number
  /** The bound address, once listening. */
  address?: AddressInfo
  error?: NodeJS.ErrnoException
  /** The socket came from a parked listener (a reload handover). */
  handedOver: boolean
}

interface RawHandle {
  close(): void
  getsockname(out: object): number
  onconnection: (status: number, client?: RawHandle) => void
}

interface Parked {
  host: string
  /** The bound port. */
  port: number
  /** Whose it was: a server of the same plugin asking for port 0 gets it back. */
  owner: ListenerOwner | undefined
  handle: RawHandle
  held: RawHandle[]
}

type ServerInternals = Server & { _handle: RawHandle | null }

/** Connections held per parked listener while the next agent starts; later ones are closed. */
export const MAX_HELD_CONNECTIONS = 4096

interface Tracked {
  server: Server
  owner: ListenerOwner | undefined
  host: string
  port: number
}

export class ListenerPool {
  /** The plugin whose start is running (set by `runAs`). */
  private readonly context = new AsyncLocalStorage<ListenerOwner>()
  private readonly tracked = new Set<Tracked>()
  private readonly parked: Parked[] = []
  private readonly listeners = new Set<(event: ListenEvent) => void>()
  private readonly channel = tracingChannel<
    object,
    { server: Server; options?: { host?: string; port?: number | string; path?: string }; error?: Error }
  >('net.server.listen')
  private readonly handlers = {
    start: () => {},
    end: () => {},
    asyncStart: (m: { server: Server; options?: { host?: string; port?: number | string; path?: string } }) =>
      this.onListenStart(m.server, m.options ?? {}),
    asyncEnd: (m: { server: Server }) => this.onListening(m.server),
    error: (m: { server: Server; error?: Error }) => this.onError(m.server, m.error as NodeJS.ErrnoException),
  }
  private installed = false

  /** Starts observing listens (idempotent). */
  install(): this {
    if (!this.installed) {
      this.channel.subscribe(this.handlers as never)
      this.installed = true
    }
    return this
  }

  uninstall(): void {
    if (this.installed) this.channel.unsubscribe(this.handlers as never)
    this.installed = false
    this.releaseParked()
  }

  /** Calls `listener` for every listen that succeeded or failed. Returns the unsubscribe function. */
  onEvent(listener: (event: ListenEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Runs `fn` (and everything it schedules) as `owner`: its listens are attributed to it. */
  runAs<T>(owner: ListenerOwner, fn: () => T): T {
    return this.context.run(owner, fn)
  }

  /** The plugin whose start runs now (inside `runAs`). */
  owner(): ListenerOwner | undefined {
    return this.context.getStore()
  }

  /**
   * Reports a listen made outside Node's listen path this pool observes (a worker's socket shared
   * by the supervisor): logged and checked by the agent's start like any other.
   */
  report(event: ListenEvent): void {
    this.emit(event)
  }

  /** Listeners of a generation that are listening now. */
  listening(generation: number): ListenEvent[] {
    const out: ListenEvent[] = []
    for (const t of this.tracked) {
      if (t.owner?.generation !== generation || !t.server.listening) continue
      out.push({
        server: t.server,
        owner: t.owner,
        host: t.host,
        port: t.port,
        address: t.server.address() as AddressInfo,
        handedOver: false,
      })
    }
    return out
  }

  /**
   * Takes the listening sockets of `generation` away from their servers. The servers keep working
   * for connections they already have and close normally; new connections are held here.
   */
  park(generation: number): number {
    let n = 0
    for (const t of [...this.tracked]) {
      if (t.owner?.generation !== generation) continue
      this.tracked.delete(t)
      const server = t.server as ServerInternals
      const handle = server._handle
      if (handle === null || !server.listening || typeof handle.onconnection !== 'function') continue
      // Keyed by the bound port: a config that asked for port 0 is reloaded with the port it got.
      const port = (server.address() as AddressInfo).port
      const parked: Parked = { host: t.host, port, owner: t.owner, handle, held: [] }
      handle.onconnection = (status, client) => {
        if (status !== 0 || client === undefined) return
        if (parked.held.length >= MAX_HELD_CONNECTIONS) client.close()
        else parked.held.push(client)
      }
      // The server keeps a stand-in: close() is a no-op for the socket, address() still answers.
      server._handle = { close() {}, getsockname: (out) => handle.getsockname(out), onconnection: () => {} }
      this.parked.push(parked)
      n++
    }
    return n
  }

  /** Parked listeners not claimed by the next agent are closed, with the connections they hold. */
  releaseParked(): number {
    const n = this.parked.length
    for (const p of this.parked.splice(0)) closeParked(p)
    return n
  }

  get parkedCount(): number {
    return this.parked.length
  }

  /** Connections waiting in parked listeners. */
  get heldCount(): number {
    let n = 0
    for (const p of this.parked) n += p.held.length
    return n
  }

  /** Forgets the servers of a generation (after its agent stopped). */
  forget(generation: number): void {
    for (const t of this.tracked) if (t.owner?.generation === generation) this.tracked.delete(t)
  }

  private onListenStart(server: Server, options: { host?: string; port?: number | string; path?: string }): void {
    if (options.path !== undefined || options.port === undefined) return
    const port = Number(options.port)
    const host = options.host ?? ''
    const owner = this.context.getStore()
    this.tracked.add({ server, owner, host, port })
    const i =
      port === 0
        ? this.parked.findIndex(
            (p) =>
              p.host === host &&
              p.owner !== undefined &&
              owner !== undefined &&
              p.owner.pluginId === owner.pluginId &&
              p.owner.type === owner.type,
          )
        : this.parked.findIndex((p) => p.port === port)
    if (i < 0) return
    const [parked] = this.parked.splice(i, 1)
    if (parked.host !== host) {
      // Same port on another address: free the port so the new bind can take it.
      closeParked(parked)
      return
    }
    const s = server as ServerInternals
    s._handle = parked.handle
    handedOver.add(server)
    server.once('listening', () => {
      const handle = (server as ServerInternals)._handle
      for (const client of parked.held.splice(0)) {
        if (handle) handle.onconnection(0, client)
        else client.close()
      }
    })
  }

  private onListening(server: Server): void {
    const t = this.find(server)
    if (t === undefined) return
    this.emit({
      server,
      owner: t.owner,
      host: t.host,
      port: t.port,
      address: server.address() as AddressInfo,
      handedOver: handedOver.has(server),
    })
  }

  private onError(server: Server, error: NodeJS.ErrnoException): void {
    const t = this.find(server)
    if (t === undefined) return
    this.tracked.delete(t)
    this.emit({ server, owner: t.owner, host: t.host, port: t.port, error, handedOver: false })
  }

  private find(server: Server): Tracked | undefined {
    for (const t of this.tracked) if (t.server === server) return t
    return undefined
  }

  private emit(event: ListenEvent): void {
    for (const l of this.listeners) l(event)
  }
}

const handedOver = new WeakSet<Server>()

function closeParked(p: Parked): void {
  for (const client of p.held.splice(0)) client.close()
  p.handle.close()
}
