/**
 * @module One `sluice bench` connection: writes units (Forward messages) as fast as the socket,
 * the --rate and the ack window allow; with --ack it keeps at most `window` messages unacknowledged,
 * matches each `{"ack": id}` to its send time and records the latency. Socket backpressure is
 * respected (waits for 'drain'); a server that closes, resets or stops acking ends the connection
 * with an error in its stats — or, with --reconnect, the connection is opened again (backing off
 * up to 1 s) and every unacknowledged message is sent again (at-least-once, as a real client
 * does). With --seq each message is built when sent, its events numbered from the run's counter,
 * and acknowledged numbers are added to the run's RangeSet.
 */

import { connect, type Socket } from 'node:net'
import { AckStream } from '../../../engine/forward/ack.ts'
import { Histogram } from './histogram.ts'
import { ChunkIds, type Payloads, type Unit } from './payloads.ts'
import type { RangeSet, SeqCounter, SeqMessages } from './seq.ts'

export interface SeqOptions {
  messages: SeqMessages
  counter: SeqCounter
  acked: RangeSet
}

export interface ConnectionOptions {
  host: string
  port: number
  payloads: Payloads
  ack: boolean
  window: number
  /** Events per second for this connection; null = unlimited. */
  rate: number | null
  /** Events this connection sends; null = until `stopAt`. */
  quota: number | null
  /** Units per write burst (message mode: --batch messages). */
  burst: number
  ackTimeoutMs: number
  /** --seq: number every event (messages built per send). */
  seq?: SeqOptions | null
  /** --reconnect: reopen a lost connection and resend what was not acknowledged. */
  reconnect?: boolean
}

export class ConnectionStats {
  events = 0
  messages = 0
  bytes = 0
  recordBytes = 0
  ackedEvents = 0
  acks = 0
  unknownAcks = 0
  /** --reconnect: connections opened again, and events sent again on them. */
  reconnects = 0
  resentEvents = 0
  readonly latency = new Histogram()
  error: string | null = null
  /** When the last event was handed to the kernel (no ack) or acknowledged (ack). */
  finishedAt = 0
}

interface Inflight {
  at: number
  events: number
  /** The message as sent (prefix + id), kept for a resend. */
  parts: Buffer[]
  /** First sequence number (--seq), else -1. */
  seq: number
}

const RECONNECT_MAX_MS = 1_000

export class BenchConnection {
  readonly stats = new ConnectionStats()
  private socket: Socket | undefined
  private readonly inflight = new Map<string, Inflight>()
  private readonly ids = new ChunkIds()
  private reader = new AckStream()
  private wake: (() => void) | null = null
  private closed = false
  private sendingDone = false
  /** When the last ack arrived (or sending ended): bounds the wait for acks with --reconnect. */
  private lastProgress = Date.now()

  constructor(private readonly options: ConnectionOptions) {}

  get inflightCount(): number {
    return this.inflight.size
  }

  /** Opens the TCP connection; rejects with a readable error. */
  connect(): Promise<void> {
    const { host, port } = this.options
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true })
      socket.once('connect', () => {
        socket.off('error', reject)
        this.socket = socket
        this.closed = false
        this.reader = new AckStream()
        socket.on('data', (bytes) => this.onData(bytes))
        socket.on('error', (error) => {
          if (this.socket === socket) this.lost(`connection error: ${error.message}`)
        })
        socket.on('close', () => {
          if (this.socket !== socket) return
          this.closed = true
          if (this.inflight.size > 0 || !this.sendingDone) this.lost('the server closed the connection')
          this.poke()
        })
        resolve()
      })
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.destroy()
        reject(new Error(`cannot connect to ${host}:${port}: ${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}`))
      })
    })
  }

  /** With --reconnect: connects again (backing off) until it works or `until` passes; resends what is unacknowledged. */
  private async reopen(until: number): Promise<boolean> {
    this.socket?.destroy()
    let wait = 50
    while (Date.now() < until) {
      try {
        await this.connect()
      } catch {
        await sleep(wait)
        wait = Math.min(wait * 2, RECONNECT_MAX_MS)
        continue
      }
      this.stats.reconnects++
      const socket = this.socket!
      socket.cork()
      for (const m of this.inflight.values()) {
        m.at = performance.now()
        for (const p of m.parts) socket.write(p)
        this.stats.resentEvents += m.events
      }
      socket.uncork()
      return true
    }
    return false
  }

  /** Sends until the quota or `stopAt` (ms since the epoch), then waits for the outstanding acks and closes. */
  async run(stopAt: number | null): Promise<void> {
    const o = this.options
    const perUnit = o.payloads.eventsPerUnit
    const t0 = Date.now()
    const timer = o.ack ? setInterval(() => this.checkAckTimeout(), 250) : null
    try {
      for (;;) {
        if (this.stats.error !== null) break
        if (this.closed) {
          if (!o.reconnect || !(await this.reopen((stopAt ?? Date.now()) + o.ackTimeoutMs))) {
            this.fail(this.pendingError ?? 'the server closed the connection')
            break
          }
        }
        const remaining = o.quota === null ? Infinity : o.quota - this.stats.events
        if (remaining <= 0 || (stopAt !== null && Date.now() >= stopAt)) break
        if (o.ack && this.inflight.size >= o.window) {
          await this.waitForAck()
          continue
        }
        if (o.rate !== null) {
          const due = t0 + (this.stats.events / o.rate) * 1000
          const wait = due - Date.now()
          if (wait > 1) {
            await sleep(Math.min(wait, 100))
            continue
          }
        }
        let units = o.burst
        if (o.ack) units = Math.min(units, o.window - this.inflight.size)
        let left = remaining
        let ok = true
        const socket = this.socket!
        socket.cork()
        for (let k = 0; k < units && left > 0; k++) {
          const events = Math.min(left, perUnit)
          const unit = this.unit(events, perUnit)
          ok = socket.write(unit.prefix)
          let bytes = unit.prefix.length
          if (o.ack) {
            const id = this.ids.next()
            ok = socket.write(id)
            bytes += id.length
            this.inflight.set(id.toString('latin1'), {
              at: performance.now(),
              events: unit.events,
              parts: [unit.prefix, id],
              seq: unit.seq,
            })
          }
          this.stats.events += unit.events
          this.stats.messages++
          this.stats.bytes += bytes
          this.stats.recordBytes += unit.recordBytes
          left -= unit.events
        }
        socket.uncork()
        if (!ok) await this.waitForDrain()
      }
      this.sendingDone = true
      this.lastProgress = Date.now()
      if (o.ack) {
        while (this.inflight.size > 0 && this.stats.error === null) {
          if (this.closed) {
            if (!o.reconnect || !(await this.reopen(this.lastProgress + o.ackTimeoutMs))) {
              this.fail(this.pendingError ?? 'the server closed the connection')
              break
            }
            continue
          }
          await this.waitForAck()
        }
      } else {
        await new Promise<void>((resolve) =>
          this.closed || this.socket === undefined ? resolve() : this.socket.write('', () => resolve()),
        )
        this.stats.finishedAt = Date.now()
      }
    } finally {
      if (timer) clearInterval(timer)
      this.sendingDone = true
      await this.close()
    }
  }

  /** The next message: a pre-built unit, or (--seq) one built now with fresh sequence numbers. */
  private unit(events: number, perUnit: number): Unit & { seq: number } {
    const seq = this.options.seq
    if (seq) {
      const first = seq.counter.take(events)
      const { prefix, recordBytes } = seq.messages.build(first, events)
      return { prefix, events, recordBytes, seq: first }
    }
    const p = this.options.payloads
    return { ...(events === perUnit ? p.nextUnit() : p.unitOf(events)), seq: -1 }
  }

  /** Drops the connection (when another one could not connect). */
  abort(): void {
    this.socket?.destroy()
  }

  private onData(bytes: Buffer): void {
    let ids: string[]
    try {
      ids = this.reader.push(bytes)
    } catch (error) {
      this.lost(`bad response: ${(error as Error).message}`)
      this.socket?.destroy()
      return
    }
    const now = performance.now()
    for (const id of ids) {
      const sent = this.inflight.get(id)
      if (sent === undefined) {
        this.stats.unknownAcks++
        continue
      }
      this.inflight.delete(id)
      this.stats.acks++
      this.stats.ackedEvents += sent.events
      this.stats.latency.record(now - sent.at)
      if (sent.seq >= 0) this.options.seq?.acked.add(sent.seq, sent.seq + sent.events)
    }
    if (ids.length) {
      this.stats.finishedAt = Date.now()
      this.lastProgress = Date.now()
      this.poke()
    }
  }

  private checkAckTimeout(): void {
    const oldest = this.inflight.values().next()
    if (oldest.done) return
    const age = performance.now() - oldest.value.at
    if (age > this.options.ackTimeoutMs) {
      this.lost(`no ack for ${Math.round(age)} ms (--ack-timeout ${this.options.ackTimeoutMs} ms)`)
      this.socket?.destroy()
    }
  }

  /** Why the connection was last lost (the error when --reconnect gives up). */
  private pendingError: string | null = null

  /** The connection is gone or useless: an error, unless --reconnect will open it again. */
  private lost(message: string): void {
    if (this.options.reconnect) {
      this.pendingError = message
      this.closed = true
      this.poke()
      return
    }
    this.fail(message)
  }

  private fail(message: string): void {
    this.stats.error ??= message
    this.poke()
  }

  private poke(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }

  private waitForAck(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || this.stats.error !== null) return resolve()
      this.wake = resolve
    })
  }

  private waitForDrain(): Promise<void> {
    const socket = this.socket!
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done)
        socket.off('close', done)
        resolve()
      }
      if (socket.destroyed) return resolve()
      socket.on('drain', done)
      socket.on('close', done)
    })
  }

  private close(): Promise<void> {
    const socket = this.socket
    if (this.closed || socket === undefined || socket.destroyed) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.destroy(), 2_000)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      socket.end()
    })
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
