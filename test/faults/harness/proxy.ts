/**
 * @module A throttling TCP proxy (the slow upstream): listens (on `port`, default 0) and relays each connection
 * to the target; the client → target direction is limited to `bytesPerSecond` over all connections
 * (a token bucket refilled every 50 ms; the client socket is paused while its queue is over 64 KiB,
 * so the sender feels the slowness as TCP backpressure); target → client (acks) is not throttled.
 */

import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'

const TICK_MS = 50
const QUEUE_HIGH = 64 * 1024

interface Pipe {
  client: Socket
  upstream: Socket
  queue: Buffer[]
  queued: number
}

export class ThrottlingProxy {
  private server: Server | null = null
  private readonly pipes = new Set<Pipe>()
  private timer: ReturnType<typeof setInterval> | undefined
  /** Bytes relayed towards the target. */
  relayed = 0
  port = 0

  constructor(
    private readonly targetPort: number,
    private readonly bytesPerSecond: number,
  ) {}

  async listen(port = 0): Promise<number> {
    const server = createServer((client) => this.accept(client))
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    this.server = server
    this.port = (server.address() as AddressInfo).port
    this.timer = setInterval(() => this.tick(), TICK_MS)
    return this.port
  }

  private accept(client: Socket): void {
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort })
    const pipe: Pipe = { client, upstream, queue: [], queued: 0 }
    this.pipes.add(pipe)
    const close = () => {
      this.pipes.delete(pipe)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', close)
    upstream.on('error', close)
    client.on('close', close)
    upstream.on('close', close)
    upstream.on('data', (d) => client.write(d))
    client.on('data', (d: Buffer) => {
      pipe.queue.push(d)
      pipe.queued += d.length
      if (pipe.queued > QUEUE_HIGH) client.pause()
    })
  }

  /** Hands out this tick's budget, round robin over the connections with queued bytes. */
  private tick(): void {
    let budget = Math.floor((this.bytesPerSecond * TICK_MS) / 1000)
    const waiting = [...this.pipes].filter((p) => p.queued > 0)
    while (budget > 0 && waiting.length > 0) {
      const share = Math.max(1, Math.floor(budget / waiting.length))
      for (let i = waiting.length - 1; i >= 0; i--) {
        const p = waiting[i]
        let n = Math.min(share, p.queued, budget)
        while (n > 0) {
          const head = p.queue[0]
          const take = Math.min(n, head.length)
          p.upstream.write(take === head.length ? head : head.subarray(0, take))
          if (take === head.length) p.queue.shift()
          else p.queue[0] = head.subarray(take)
          p.queued -= take
          budget -= take
          this.relayed += take
          n -= take
        }
        if (p.queued <= QUEUE_HIGH && p.client.isPaused()) p.client.resume()
        if (p.queued === 0) waiting.splice(i, 1)
        if (budget <= 0) break
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    for (const p of this.pipes) {
      p.client.destroy()
      p.upstream.destroy()
    }
    const server = this.server
    this.server = null
    if (server) await new Promise((resolve) => server.close(resolve))
  }
}
