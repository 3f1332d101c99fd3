/**
 * @module The keepalive socket pool of one server (§1.8): idle sockets only — a socket is taken
 * out while a chunk is written and its ack awaited, so a socket with an outstanding ack is never
 * reused; it comes back only after a clean send. Idle sockets that close, error or receive
 * anything are dropped; `keepalive_timeout` expires idle ones (checked on take and on purge).
 */

import type { Socket } from 'node:net'

interface Idle {
  socket: Socket
  since: number
  drop: () => void
}

export class SocketPool {
  private idle: Idle[] = []

  constructor(
    private readonly timeoutMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A usable idle socket, or null. */
  take(): Socket | null {
    this.purge()
    const entry = this.idle.pop()
    if (entry === undefined) return null
    this.detach(entry)
    return entry.socket
  }

  /** Puts a socket whose send finished cleanly back. */
  put(socket: Socket): void {
    if (socket.destroyed || !socket.writable) return
    const entry: Idle = { socket, since: this.clock(), drop: () => this.remove(entry) }
    socket.on('close', entry.drop)
    socket.on('error', entry.drop)
    socket.on('end', entry.drop)
    socket.on('data', entry.drop)
    this.idle.push(entry)
  }

  /** Closes idle sockets older than keepalive_timeout (0: never expire). */
  purge(): void {
    if (this.timeoutMs <= 0) return
    const now = this.clock()
    for (const entry of [...this.idle]) if (now - entry.since >= this.timeoutMs) this.remove(entry)
  }

  get size(): number {
    return this.idle.length
  }

  close(): void {
    for (const entry of [...this.idle]) this.remove(entry)
  }

  private remove(entry: Idle): void {
    const i = this.idle.indexOf(entry)
    if (i >= 0) this.idle.splice(i, 1)
    this.detach(entry)
    entry.socket.destroy()
  }

  private detach(entry: Idle): void {
    entry.socket.off('close', entry.drop)
    entry.socket.off('error', entry.drop)
    entry.socket.off('end', entry.drop)
    entry.socket.off('data', entry.drop)
  }
}
