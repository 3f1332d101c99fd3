/**
 * @module The connection `sluice replay` sends with: PackedForward messages that each ask for an
 * ack (a fresh 16-byte chunk id, standard base64), at most `window` unacknowledged at once. A lost
 * connection or an ack timeout reopens it (backing off up to 1 s) and sends every unacknowledged
 * message again; when the server cannot be reached for `retryTimeoutMs`, every pending and later
 * send fails (the caller then leaves the files in place).
 */

import { connect, type Socket } from 'node:net'
import { AckStream } from '../../engine/forward/ack.ts'
import { envelope } from '../../engine/forward/envelope.ts'
import { nodeCrypto } from '../builtins.ts'

export interface SenderOptions {
  host: string
  port: number
  window: number
  ackTimeoutMs: number
  /** How long to keep trying to reach the server before giving up. */
  retryTimeoutMs: number
}

interface Pending {
  parts: Uint8Array[]
  at: number
  resolve: () => void
  reject: (error: Error) => void
}

export class ReplaySender {
  private socket: Socket | null = null
  private connecting: Promise<void> | null = null
  private readonly pending = new Map<string, Pending>()
  private reader = new AckStream()
  private slotWaiters: (() => void)[] = []
  private failure: Error | null = null
  private readonly timer: ReturnType<typeof setInterval>
  /** Connections opened after the first (for the summary). */
  reconnects = 0
  private opened = false

  constructor(private readonly options: SenderOptions) {
    this.timer = setInterval(() => this.checkTimeouts(), 200)
    this.timer.unref()
  }

  /**
   * Sends `[tag, bin(entries), {size, chunk}]` once a window slot is free; resolves with `acked`,
   * which settles when the server acked it (or the sender gave up).
   */
  async send(tag: string, entries: Uint8Array, count: number): Promise<{ acked: Promise<void> }> {
    while (this.pending.size >= this.options.window && this.failure === null) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve))
    }
    if (this.failure !== null) throw this.failure
    await this.ensureConnected()
    const id = nodeCrypto().randomBytes(16).toString('base64')
    const parts = envelope(tag, entries, count, id, false)
    const acked = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { parts, at: Date.now(), resolve, reject })
      this.write(parts)
    }).finally(() => this.freeSlot())
    // Callers may attach their handlers later: never an unhandled rejection meanwhile.
    acked.catch(() => undefined)
    return { acked }
  }

  close(): void {
    clearInterval(this.timer)
    this.socket?.end()
    this.socket = null
  }

  private write(parts: Uint8Array[]): void {
    const socket = this.socket
    if (socket === null || socket.destroyed) return // resent when the connection is back
    socket.cork()
    for (const p of parts) socket.write(p)
    socket.uncork()
  }

  private freeSlot(): void {
    this.slotWaiters.shift()?.()
  }

  private ensureConnected(): Promise<void> {
    if (this.socket !== null && !this.socket.destroyed) return Promise.resolve()
    this.connecting ??= this.reconnect().finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  /** Opens the connection (backing off while refused), then sends every unacknowledged message again. */
  private async reconnect(): Promise<void> {
    const deadline = Date.now() + this.options.retryTimeoutMs
    let wait = 50
    let last: Error | null = null
    for (;;) {
      try {
        this.socket = await this.open()
        break
      } catch (error) {
        last = error as Error
        if (Date.now() + wait > deadline)
          return this.giveUp(new Error(`cannot reach ${this.options.host}:${this.options.port}: ${last.message}`))
        await new Promise((resolve) => setTimeout(resolve, wait))
        wait = Math.min(wait * 2, 1_000)
      }
    }
    for (const p of this.pending.values()) {
      p.at = Date.now()
      this.write(p.parts)
    }
  }

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port, noDelay: true })
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        if (this.opened) this.reconnects++
        this.opened = true
        this.reader = new AckStream()
        socket.on('data', (data: Buffer) => this.onData(socket, data))
        socket.on('error', () => socket.destroy())
        socket.on('close', () => this.onClose(socket))
        resolve(socket)
      })
    })
  }

  private onData(socket: Socket, data: Buffer): void {
    let ids: string[]
    try {
      ids = this.reader.push(data)
    } catch {
      socket.destroy()
      return
    }
    for (const id of ids) {
      const p = this.pending.get(id)
      if (p === undefined) continue
      this.pending.delete(id)
      p.resolve()
    }
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return
    this.socket = null
    // The failure (if it comes to that) reaches the callers through their pending promises.
    if (this.pending.size > 0 && this.failure === null) this.ensureConnected().catch(() => undefined)
  }

  private checkTimeouts(): void {
    const now = Date.now()
    for (const p of this.pending.values()) {
      if (now - p.at > this.options.ackTimeoutMs) {
        // The server stopped answering: start over on a new connection.
        this.socket?.destroy()
        return
      }
    }
  }

  private giveUp(error: Error): void {
    this.failure = error
    for (const p of this.pending.values()) p.reject(error)
    this.pending.clear()
    for (const w of this.slotWaiters.splice(0)) w()
    throw error
  }
}
