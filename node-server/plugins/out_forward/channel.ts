/**
 * @module One keepalive connection with several chunks awaiting their acks (pipelined acks): with
 * `keepalive true` and `require_ack_response true`, the chunks every flush thread writes to a
 * server go one after the other on one connection (writes in order, each under send_timeout), and
 * the acks that come back are matched by chunk id (`AckStream`), whatever their order. Each chunk
 * has its own ack_response_timeout. A timeout, a connection lost, or an answer that is not the ack
 * of a chunk in flight ends the connection: every chunk still waiting fails ('ack-timeout' for the
 * one that timed out, 'lost' or 'mismatch' for the others: the buffer writes them again). A chunk
 * whose write the buffer gave up on (delayed_commit_timeout) stops waiting; its late ack is
 * ignored. A retired channel (server disabled, keepalive_timeout) takes no new chunk and closes
 * once the last one is settled.
 */

import type { Socket } from 'node:net'
import { AckStream } from '../../../engine/forward/ack.ts'
import { SendError, type Payload } from './node.ts'

interface Waiter {
  chunkHex: string
  resolve: () => void
  reject: (err: Error) => void
  timer: ReturnType<typeof setTimeout>
}

/** Abandoned chunk ids remembered so their late acks are ignored (oldest forgotten first). */
const ABANDONED_LIMIT = 1024

export class AckChannel {
  private readonly waiting = new Map<string, Waiter>()
  private readonly abandoned = new Set<string>()
  private readonly acks = new AckStream()
  /** The tail of the write chain: writes go out in order, one after the other. */
  private writing: Promise<void> = Promise.resolve()
  private failure: SendError | null = null
  private retired = false
  /** When the channel last had nothing in flight (for keepalive_timeout). */
  idleSince: number

  constructor(
    readonly socket: Socket,
    private readonly name: string,
    private readonly ackTimeoutMs: number,
    private readonly write: (socket: Socket, payload: Payload) => Promise<void>,
    private readonly clock: () => number,
  ) {
    this.idleSince = clock()
    socket.on('data', (data: Buffer) => this.received(data))
    const lost = (err?: Error) =>
      this.fail(new SendError(`${this.name} closed the connection before acking${err instanceof Error ? ` (${err.message})` : ''}`, 'lost'))
    socket.on('error', lost)
    socket.on('close', () => lost())
    socket.on('end', () => lost())
  }

  /** Chunks written or being written and not yet acked. */
  get inFlight(): number {
    return this.waiting.size
  }

  /** Can take another chunk. */
  get usable(): boolean {
    return this.failure === null && !this.retired && !this.socket.destroyed && this.socket.writable
  }

  /** Takes no new chunk; closes when nothing is in flight. */
  retire(): void {
    this.retired = true
    if (this.waiting.size === 0) this.socket.end(() => this.socket.destroy())
  }

  /** Writes a chunk after those before it and resolves on its ack; an abort stops the wait only. */
  send(payload: Payload, signal?: AbortSignal): Promise<void> {
    const id = payload.chunkId!
    if (this.failure !== null) return Promise.reject(this.failure)
    const acked = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new SendError(
            `no ack from ${this.name} within ack_response_timeout (${this.ackTimeoutMs} ms) for chunk ${payload.chunkHex}`,
            'ack-timeout',
          ),
          id,
        )
      }, this.ackTimeoutMs)
      this.waiting.set(id, { chunkHex: payload.chunkHex, resolve, reject, timer })
    })
    const written = this.writing.then(() => {
      if (this.failure !== null) throw this.failure
      return this.write(this.socket, payload)
    })
    this.writing = written.catch(() => undefined)
    // A failed write ends the connection (the chunk's wait fails with it).
    written.catch((err: unknown) => this.fail(err instanceof SendError ? err : new SendError(String(err), 'write')))
    if (signal === undefined) return acked
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.abandon(id)
        reject(signal.reason ?? new Error('the buffer gave up on the write'))
      }
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      acked.then(
        () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(err)
        },
      )
    })
  }

  private abandon(id: string): void {
    const w = this.waiting.get(id)
    if (w === undefined) return
    clearTimeout(w.timer)
    this.waiting.delete(id)
    if (this.abandoned.size >= ABANDONED_LIMIT) this.abandoned.delete(this.abandoned.values().next().value!)
    this.abandoned.add(id)
    w.reject(new Error('abandoned'))
    this.settled()
  }

  private received(data: Buffer): void {
    let ids: string[]
    try {
      ids = this.acks.push(data)
    } catch (err) {
      this.fail(new SendError(`${this.name} ${(err as Error).message}`, 'mismatch'))
      return
    }
    for (const id of ids) {
      const w = this.waiting.get(id)
      if (w === undefined) {
        if (this.abandoned.delete(id)) continue
        this.fail(new SendError(`${this.name} acked chunk id ${JSON.stringify(id)}, which is not in flight on this connection`, 'mismatch'))
        return
      }
      clearTimeout(w.timer)
      this.waiting.delete(id)
      w.resolve()
    }
    if (ids.length > 0) this.settled()
  }

  private settled(): void {
    if (this.waiting.size > 0) return
    this.idleSince = this.clock()
    if (this.retired) this.socket.end(() => this.socket.destroy())
  }

  /** Ends the connection: every chunk still waiting fails (`timedOut` with `err`, the others as lost). */
  private fail(err: SendError, timedOut?: string): void {
    if (this.failure !== null) return
    this.failure = err
    this.socket.destroy()
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer)
      if (timedOut === undefined || id === timedOut) w.reject(err)
      else
        w.reject(
          new SendError(
            `${this.name}: the connection was closed (another chunk's ${err.failure}) before chunk ${w.chunkHex} was acked`,
            'lost',
          ),
        )
    }
    this.waiting.clear()
  }
}
