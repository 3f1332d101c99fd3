/**
 * @module A small Forward-protocol client for daemon tests: sends Forward-mode messages with a
 * chunk id and resolves when that id is acknowledged; reports the connection closing.
 */

import { connect, type Socket } from 'node:net'
import { encode } from '@msgpack/msgpack'
import { AckStream } from '../../../engine/forward/ack.ts'

let nextId = 0

export class ForwardClient {
  private readonly reader = new AckStream()
  private readonly waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }>()
  closed = false
  readonly closedPromise: Promise<void>

  private constructor(readonly socket: Socket) {
    socket.on('data', (bytes) => {
      for (const id of this.reader.push(bytes)) {
        this.waiting.get(id)?.resolve()
        this.waiting.delete(id)
      }
    })
    socket.on('error', () => {})
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true
        for (const w of this.waiting.values()) w.reject(new Error('connection closed before the ack'))
        this.waiting.clear()
        resolve()
      }),
    )
  }

  static connect(port: number, host = '127.0.0.1'): Promise<ForwardClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host })
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new ForwardClient(socket))
      })
      socket.once('error', reject)
    })
  }

  /** Sends `count` events `{seq: first + i}` under `tag`; resolves on the ack. */
  send(tag: string, count: number, first = 0): Promise<void> {
    const id = `test-chunk-${process.pid}-${nextId++}`
    const now = Math.floor(Date.now() / 1000)
    const entries = Array.from({ length: count }, (_, i) => [now, { seq: first + i, msg: 'hello' }])
    const acked = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }))
    this.socket.write(encode([tag, entries, { chunk: id, size: count }]))
    return acked
  }

  close(): Promise<void> {
    this.socket.end()
    return this.closedPromise
  }

  destroy(): void {
    this.socket.destroy()
  }
}
