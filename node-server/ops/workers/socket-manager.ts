/**
 * @module The supervisor's shared sockets (ServerEngine's SocketManager, which Fluentd's
 * server plugin helper uses): a worker asks for `tcp|udp, host, port`; the first ask binds a
 * socket here, every ask gets a duplicate of it (the handle travels over the IPC channel), so
 * the workers' in_forward, in_http, in_tcp, in_syslog and UDP inputs share one port and the
 * kernel spreads connections (and datagrams) over the workers that accept. The supervisor never
 * accepts or reads: the socket is bound here and put in the listening state by the first worker
 * that listens on it. It stays open here for as long as the config uses it, so a worker that
 * crashes or reloads leaves the port served (connections wait in the kernel's backlog until a
 * worker accepts them); `retain` closes the ones a new config no longer uses.
 *
 * Node internals used (no public API binds without listening or reading; node:cluster uses the
 * same two for its shared handles), checked by socket-manager.test.ts: `net._createServerHandle`
 * and `dgram._createSocketHandle` (its deprecation warning is silenced: sluice calls it on purpose).
 */

import dgram from 'node:dgram'
import { promises as dns } from 'node:dns'
import net from 'node:net'
import { getSystemErrorMap, getSystemErrorName } from 'node:util'

/** A bound socket handle (TCP or UDP) as Node's IPC can send it. */
export interface RawHandle {
  close(): void
  /** Fills `out` with the bound address; returns a negative errno when the socket is not bound. */
  getsockname?(out: { address?: string; port?: number }): number
}

interface Internals {
  createServerHandle(address: string | null, port: number, addressType: number): RawHandle | number
  createSocketHandle(address: string, port: number, type: 'udp4' | 'udp6'): RawHandle | number
}

export function nodeInternals(): Internals {
  const n = net as unknown as { _createServerHandle?: Internals['createServerHandle'] }
  const d = dgram as unknown as {
    _createSocketHandle?: (a: string, p: number, t: string, fd?: number, flags?: number) => RawHandle | number
  }
  if (typeof n._createServerHandle !== 'function' || typeof d._createSocketHandle !== 'function')
    throw new Error(
      `this Node version (${process.version}) lacks the internals sluice's shared sockets use (net._createServerHandle, dgram._createSocketHandle)`,
    )
  const udp = d._createSocketHandle
  return {
    createServerHandle: (address, port, addressType) => n._createServerHandle!(address, port, addressType),
    createSocketHandle: (address, port, type) => {
      const quiet = process.noDeprecation
      process.noDeprecation = true
      try {
        return udp(address, port, type, undefined, 0)
      } finally {
        process.noDeprecation = quiet
      }
    },
  }
}

export interface SocketRequest {
  proto: 'tcp' | 'udp'
  /** As the plugin wrote it ('' for any address). */
  host: string
  port: number
  key: string
}

interface Entry {
  handle: RawHandle
  proto: 'tcp' | 'udp'
  host: string
}

/** A failed bind, as Node words a listen error (`listen EADDRINUSE: address already in use 0.0.0.0:24224`). */
export class BindError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'BindError'
  }
}

export class SocketManager {
  private readonly sockets = new Map<string, Entry>()
  /** Binds in progress (two workers asking at once get the same socket). */
  private readonly binding = new Map<string, Promise<Entry>>()
  private readonly internals = nodeInternals()

  /** The socket for a request: bound on the first ask, the same one after. Rejects with a BindError. */
  async acquire(request: SocketRequest): Promise<RawHandle> {
    const known = this.sockets.get(request.key)
    if (known !== undefined) return known.handle
    let pending = this.binding.get(request.key)
    if (pending === undefined) {
      pending = this.bind(request).finally(() => this.binding.delete(request.key))
      this.binding.set(request.key, pending)
    }
    return (await pending).handle
  }

  /** Closes the sockets whose key is not in `keep` (a reload's new config no longer listens there); returns how many. */
  retain(keep: ReadonlySet<string>): number {
    let n = 0
    for (const [key, entry] of this.sockets) {
      if (keep.has(key)) continue
      this.sockets.delete(key)
      entry.handle.close()
      n++
    }
    return n
  }

  /** Closes and forgets one socket (it could not listen: a port in use shows only then). */
  drop(key: string): void {
    const entry = this.sockets.get(key)
    if (entry === undefined) return
    this.sockets.delete(key)
    entry.handle.close()
  }

  get size(): number {
    return this.sockets.size
  }

  keys(): string[] {
    return [...this.sockets.keys()]
  }

  closeAll(): void {
    this.retain(new Set())
  }

  private async bind(request: SocketRequest): Promise<Entry> {
    const { proto, host, port } = request
    const where = `${host || (proto === 'tcp' ? '::' : '0.0.0.0')}:${port}`
    let address: string | null = null
    let family = 4
    if (host !== '') {
      try {
        ;({ address, family } = await dns.lookup(host))
      } catch (error) {
        throw new BindError((error as NodeJS.ErrnoException).code ?? 'ENOTFOUND', `getaddrinfo ENOTFOUND ${host}`)
      }
    }
    const result =
      proto === 'tcp'
        ? this.internals.createServerHandle(address, port, family)
        : this.internals.createSocketHandle(address ?? '0.0.0.0', port, family === 6 ? 'udp6' : 'udp4')
    const failure = (errno: number) => {
      const code = getSystemErrorName(errno)
      const description = getSystemErrorMap().get(errno)?.[1] ?? code
      return new BindError(code, `${proto === 'tcp' ? 'listen' : 'bind'} ${code}: ${description} ${where}`)
    }
    if (typeof result === 'number') throw failure(result)
    // libuv defers a TCP bind's EADDRINUSE to listen(), leaving the socket unbound: a worker's
    // listen would then bind it to a random port. getsockname reports the deferred error.
    const bound = result.getsockname?.({}) ?? 0
    if (bound < 0) {
      result.close()
      throw failure(bound)
    }
    const entry = { handle: result, proto, host }
    this.sockets.set(request.key, entry)
    return entry
  }
}
