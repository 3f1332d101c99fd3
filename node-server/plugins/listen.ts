/**
 * @module Starts a listening server on a plugin's bind/port/backlog and waits for it (the
 * listen error, e.g. EADDRINUSE, rejects), as in_forward and in_http both do.
 */

import type { Server } from 'node:net'

export interface ListenOptions {
  port: number
  bind: string
  backlog: number | null
}

export function listenOn(server: Server, options: ListenOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    const args = { port: options.port, host: options.bind, ...(options.backlog !== null ? { backlog: options.backlog } : {}) }
    server.listen(args, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
