/**
 * @module How listener plugins open their sockets: `listenOn` starts a TCP server on a plugin's
 * bind/port/backlog and waits for it (the listen error, e.g. EADDRINUSE, rejects); `bindUdp` binds
 * a UDP socket the same way. In a single process they listen as usual. In a worker of
 * `<system> workers N` a provider (node-server/ops/workers) is installed: the socket is asked
 * from the supervisor, which owns every listening socket and shares it with the workers that
 * listen on the same address and port (Fluentd's shared socket manager).
 */

import type { Socket as UdpSocket } from 'node:dgram'
import type { Server } from 'node:net'

export interface ListenOptions {
  port: number
  bind: string
  backlog: number | null
}

/** Opens listening sockets somewhere else than in this process (a worker's supervisor). */
export interface ListenProvider {
  listenTcp(server: Server, options: ListenOptions): Promise<void>
  bindUdp(socket: UdpSocket, port: number, bind: string): Promise<void>
}

let provider: ListenProvider | null = null

/** Installs (or, with null, removes) the provider of a worker process. */
export function setListenProvider(next: ListenProvider | null): void {
  provider = next
}

export function listenOn(server: Server, options: ListenOptions): Promise<void> {
  if (provider !== null) return provider.listenTcp(server, options)
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    const args = { port: options.port, host: options.bind, ...(options.backlog !== null ? { backlog: options.backlog } : {}) }
    server.listen(args, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/** Binds `socket` to `bind:port`; rejects with the bind error (the socket is left to the caller to close). */
export function bindUdp(socket: UdpSocket, port: number, bind: string): Promise<void> {
  if (provider !== null) return provider.bindUdp(socket, port, bind)
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(port, bind, () => {
      socket.off('error', reject)
      resolve()
    })
  })
}
