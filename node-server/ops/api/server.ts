/**
 * @module Serves the API app with @hono/node-server. Listen errors are returned, not thrown as
 * uncaught 'error' events, so the CLI can say which option to change (`--api-port`).
 */

import type { Hono } from 'hono'
import type { AddressInfo, Server } from 'node:net'
import { loadHono } from '../../net/hono.ts'

export interface ApiServer {
  server: Server
  address: AddressInfo
  close(): Promise<void>
}

/** Listens on `bind:port`; rejects with the listen error (code EADDRINUSE…). */
export async function listenApi(app: Hono, bind: string, port: number): Promise<ApiServer> {
  const { createAdaptorServer } = await loadHono()
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    server.listen(port, bind, () => {
      server.off('error', onError)
      server.on('error', () => {})
      resolve({
        server,
        address: server.address() as AddressInfo,
        close: () =>
          new Promise<void>((done) => {
            ;(server as Server & { closeAllConnections?: () => void }).closeAllConnections?.()
            server.close(() => done())
          }),
      })
    })
  })
}

/** The designer's URL as a browser on this host opens it (a wildcard bind is reached on loopback). */
export function designerUrl(address: string, port: number): string {
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address
  return `http://${host}:${port}/ui/`
}
