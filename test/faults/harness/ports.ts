/**
 * @module Free loopback ports for the fault scenarios. A process that is killed and started again
 * must come back on the same port (its clients reconnect there), so the port is chosen by the OS
 * (port 0), released, and written into the config; in_forward also binds UDP on it, so the UDP port
 * must be free too. Never a fixed port.
 */

import { createSocket } from 'node:dgram'
import { createServer, type AddressInfo } from 'node:net'

async function tcpPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function udpFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(port, '127.0.0.1', () => resolve())
    })
    return true
  } catch {
    return false
  } finally {
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve())
      } catch {
        resolve()
      }
    })
  }
}

/** A port free for TCP and UDP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await tcpPort()
    if (await udpFree(port)) return port
  }
  throw new Error('no free TCP+UDP port found')
}
