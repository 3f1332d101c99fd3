/**
 * @module A worker's listens (the ListenProvider of node-server/plugins/listen.ts): the socket is
 * asked from the supervisor (socket-manager.ts) and the plugin's server listens on that handle
 * (`server.listen({ _handle })`, Node's documented listen-on-a-handle form; a UDP socket binds
 * to it the way Node's own IPC does for a sent dgram socket). The listen is reported to the
 * listener pool so the agent's start logs `listening … port=N` and names the plugin when it
 * fails, as in a single process. Within one worker two plugins on the same address and port are
 * an EADDRINUSE error, as they would be without workers.
 */

import type { Socket as UdpSocket } from 'node:dgram'
import type { AddressInfo, Server } from 'node:net'
import type { ListenOptions, ListenProvider } from '../../plugins/listen.ts'
import type { ListenerOwner, ListenerPool } from '../listener-pool.ts'
import { socketKey } from './protocol.ts'

/** Asks the supervisor for the socket of `key` (rejects with an Error carrying `code`). */
export interface SocketSource {
  acquire(proto: 'tcp' | 'udp', host: string, port: number, key: string): Promise<unknown>
  /** The socket could not listen: the supervisor drops it. */
  release(key: string): void
}

type Errno = Error & { code?: string }

export class SharedListen implements ListenProvider {
  /** Keys listened on by live servers and sockets of this worker. */
  private readonly inUse = new Map<string, object>()

  constructor(
    private readonly source: SocketSource,
    private readonly pool: ListenerPool,
  ) {}

  /** The shared sockets this worker listens on now (sent to the supervisor after each start). */
  keys(): string[] {
    return [...this.inUse.keys()]
  }

  async listenTcp(server: Server, options: ListenOptions): Promise<void> {
    const owner = this.pool.owner()
    const host = options.bind
    const key = socketKey('tcp', host, options.port, owner?.site)
    const failed = (error: Errno): Errno => {
      this.pool.report({ server, owner, host, port: options.port, error, handedOver: false })
      return error
    }
    const handle = await this.claim(key, server, 'tcp', host, options.port).catch((error: Errno) => {
      throw failed(error)
    })
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Errno) => {
        this.free(key, server)
        this.source.release(key)
        reject(failed(error))
      }
      server.once('error', onError)
      server.listen({ _handle: handle } as never, options.backlog ?? 511, () => {
        server.off('error', onError)
        resolve()
      })
    })
    server.once('close', () => this.free(key, server))
    this.report(server, owner, host, options.port)
  }

  async bindUdp(socket: UdpSocket, port: number, bind: string): Promise<void> {
    const owner = this.pool.owner()
    const key = socketKey('udp', bind, port, owner?.site)
    const handle = await this.claim(key, socket, 'udp', bind, port)
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      // dgram.Socket#bind takes a bound UDP handle (what Node's IPC does with a sent dgram socket).
      socket.bind(handle as never, () => {
        socket.off('error', reject)
        resolve()
      })
    })
    socket.once('close', () => this.free(key, socket))
  }

  private async claim(key: string, holder: object, proto: 'tcp' | 'udp', host: string, port: number): Promise<unknown> {
    if (this.inUse.has(key)) {
      const error: Errno = new Error(`${proto === 'tcp' ? 'listen' : 'bind'} EADDRINUSE: address already in use ${host}:${port}`)
      error.code = 'EADDRINUSE'
      throw error
    }
    this.inUse.set(key, holder)
    try {
      return await this.source.acquire(proto, host, port, key)
    } catch (error) {
      this.free(key, holder)
      throw error
    }
  }

  private free(key: string, holder: object): void {
    if (this.inUse.get(key) === holder) this.inUse.delete(key)
  }

  private report(server: Server, owner: ListenerOwner | undefined, host: string, port: number): void {
    this.pool.report({ server, owner, host, port, address: server.address() as AddressInfo, handedOver: false })
  }
}
