/**
 * @module The UDP heartbeat responder (protocol §1.7): out_forward's `heartbeat_type udp` sends a
 * datagram (one `00` byte) to the in_forward port; the reply is one `00` byte to the sender.
 * Datagrams longer than 128 bytes (Fluentd's read size) are not heartbeats and get no reply (the
 * shapes: engine/forward/heartbeat.ts).
 */

import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { HEARTBEAT_MAX_BYTES, HEARTBEAT_REPLY } from '../../../engine/forward/heartbeat.ts'
import type { Logger } from '../../../engine/log.ts'
import { bindUdp } from '../listen.ts'

export class HeartbeatResponder {
  private socket: Socket | null = null

  constructor(private readonly log: Logger) {}

  /** Binds the UDP port (shared by the workers of `<system> workers N`); rejects (e.g. EADDRINUSE) without leaving a socket behind. */
  async listen(bind: string, port: number): Promise<void> {
    const socket = createSocket({ type: isIPv6(bind) ? 'udp6' : 'udp4' })
    try {
      await bindUdp(socket, port, bind)
    } catch (err) {
      socket.close()
      throw err
    }
    socket.on('error', (err) => this.log.warn('UDP heartbeat socket error.', { error: err.message }))
    socket.on('message', (msg, rinfo) => {
      if (msg.length > HEARTBEAT_MAX_BYTES) return
      socket.send(HEARTBEAT_REPLY, rinfo.port, rinfo.address, (err) => {
        if (err) this.log.debug('Cannot answer a UDP heartbeat.', { peer: `${rinfo.address}:${rinfo.port}`, error: err.message })
      })
    })
    this.socket = socket
  }

  close(): Promise<void> {
    const socket = this.socket
    this.socket = null
    if (socket === null) return Promise.resolve()
    return new Promise((resolve) => socket.close(() => resolve()))
  }
}
