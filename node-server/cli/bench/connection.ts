/**
 * @module One `sluice bench` connection: writes units (Forward messages) as fast as the socket,
 * the --rate and the ack window allow; with --ack it keeps at most `window` messages unacknowledged,
 * matches each `{"ack": id}` to its send time and records the latency. Socket backpressure is
 * respected (waits for 'drain'); a server that closes, resets or stops acking ends the connection
 * with an error in its stats.
 */

import { connect, type Socket } from 'node:net'
import { AckReader } from './ack-reader.ts'
import { Histogram } from './histogram.ts'
import { ChunkIds, type Payloads } from './payloads.ts'

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
}

export class ConnectionStats {
  events = 0
  messages = 0
  bytes = 0
  recordBytes = 0
  ackedEvents = 0
  acks = 0
  unknownAcks = 0
  readonly latency = new Histogram()
  error: string | null = null
  /** When the last event was handed to the kernel (no ack) or acknowledged (ack). */
  finishedAt = 0
}

export class BenchConnection {
  readonly stats = new ConnectionStats()
  private socket!: Socket
  private readonly inflight = new Map<string, { at: number; events: number }>()
  private readonly ids = new ChunkIds()
  private readonly reader = new AckReader()
  private wake: (() => void) | null = null
  private closed = false

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
        socket.on('data', (bytes) => this.onData(bytes))
        socket.on('error', (error) => this.fail(`connection error: ${error.message}`))
        socket.on('close', () => {
          this.closed = true
          if (this.inflight.size > 0 || !this.sendingDone) this.fail('the server closed the connection')
          this.poke()
        })
        resolve()
      })
      socket.once('error', (error: NodeJS.ErrnoException) => {
        reject(new Error(`cannot connect to ${host}:${port}: ${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}`))
      })
    })
  }

  private sendingDone = false

  /** Sends until the quota or `stopAt` (ms since the epoch), then waits for the outstanding acks and closes. */
  async run(stopAt: number | null): Promise<void> {
    const o = this.options
    const perUnit = o.payloads.eventsPerUnit
    const t0 = Date.now()
    const timer = o.ack ? setInterval(() => this.checkAckTimeout(), 250) : null
    try {
      while (this.stats.error === null && !this.closed) {
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
        this.socket.cork()
        for (let k = 0; k < units && left > 0; k++) {
          const unit = left >= perUnit ? o.payloads.nextUnit() : o.payloads.unitOf(left)
          ok = this.socket.write(unit.prefix)
          let bytes = unit.prefix.length
          if (o.ack) {
            const id = this.ids.next()
            ok = this.socket.write(id)
            bytes += id.length
            this.inflight.set(id.toString('latin1'), { at: performance.now(), events: unit.events })
          }
          this.stats.events += unit.events
          this.stats.messages++
          this.stats.bytes += bytes
          this.stats.recordBytes += unit.recordBytes
          left -= unit.events
        }
        this.socket.uncork()
        if (!ok) await this.waitForDrain()
      }
      this.sendingDone = true
      if (o.ack) {
        while (this.inflight.size > 0 && this.stats.error === null && !this.closed) await this.waitForAck()
      } else {
        await new Promise<void>((resolve) => (this.closed ? resolve() : this.socket.write('', () => resolve())))
        this.stats.finishedAt = Date.now()
      }
    } finally {
      if (timer) clearInterval(timer)
      this.sendingDone = true
      await this.close()
    }
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
      this.fail(`bad response: ${(error as Error).message}`)
      this.socket.destroy()
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
    }
    if (ids.length) {
      this.stats.finishedAt = Date.now()
      this.poke()
    }
  }

  private checkAckTimeout(): void {
    const oldest = this.inflight.values().next()
    if (oldest.done) return
    const age = performance.now() - oldest.value.at
    if (age > this.options.ackTimeoutMs) {
      this.fail(`no ack for ${Math.round(age)} ms (--ack-timeout ${this.options.ackTimeoutMs} ms)`)
      this.socket.destroy()
    }
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
    return new Promise((resolve) => { this.wake = resolve })
  }

  private waitForDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        resolve()
      }
      this.socket.on('drain', done)
      this.socket.on('close', done)
    })
  }

  private close(): Promise<void> {
    if (this.closed || this.socket === undefined) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), 2_000)
      this.socket.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.socket.end()
    })
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
