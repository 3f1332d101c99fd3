/**
 * @module The Forward load generator of `bench:compare`, run as its own process
 * (`node --import tsx bench/compare/forward-load.ts --port P --messages N [--ack --window W]
 * [--compress] [--conns C]`): sends N PackedForward messages of 1,000 events (forward-payloads.ts)
 * over C connections and prints one JSON line. With --ack every message carries a unique `chunk`
 * and at most W are unacknowledged per connection; the run ends at the last ack. Without acks it
 * ends when the server closed the connection after our FIN, i.e. once it read every byte (not when
 * the bytes left this process). Timing starts when every connection is open.
 */

import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { decodeMultiStream } from '@msgpack/msgpack'
import { buildForwardPayloads, type ForwardPayloads, optionsBytes } from './forward-payloads.ts'

export interface ForwardLoadResult {
  events: number
  messages: number
  bytes: number
  seconds: number
  eventsPerSec: number
  /** Median ack latency in ms (null without acks). */
  ackP50Ms: number | null
  recordBytes: number
  source: string
  errors: string[]
}

interface Options {
  port: number
  messages: number
  conns: number
  ack: boolean
  window: number
  compress: boolean
  tag: string
}

function parse(argv: string[]): Options {
  const o: Options = { port: 0, messages: 1000, conns: 1, ack: false, window: 1, compress: false, tag: 'bench.compare' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const v = () => argv[++i]
    if (a === '--port') o.port = Number(v())
    else if (a === '--messages') o.messages = Number(v())
    else if (a === '--conns') o.conns = Number(v())
    else if (a === '--ack') o.ack = true
    else if (a === '--window') o.window = Number(v())
    else if (a === '--compress') o.compress = true
    else if (a === '--tag') o.tag = v()
    else throw new Error(`forward-load: unknown argument ${a}`)
  }
  if (!(o.port > 0) || !(o.messages > 0) || !(o.conns > 0) || !(o.window > 0))
    throw new Error('forward-load: --port, --messages, --conns, --window must be positive')
  return o
}

interface ConnResult {
  messages: number
  bytes: number
  latencies: number[]
  error: string | null
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s))
    s.setNoDelay(true)
    s.once('error', reject)
  })
}

/** Sends `count` messages on one open socket; resolves when they are acknowledged (or read, without acks). */
function drive(sock: Socket, o: Options, payloads: ForwardPayloads, count: number, offset: number): Promise<ConnResult> {
  return new Promise((resolve) => {
    const res: ConnResult = { messages: 0, bytes: 0, latencies: [], error: null }
    const pending = new Map<string, number>()
    let acked = 0
    let done = false
    const finish = (error: string | null) => {
      if (done) return
      done = true
      res.error = error
      sock.destroy()
      resolve(res)
    }
    sock.on('error', (e) => finish(e.message))
    const pump = () => {
      while (res.messages < count) {
        if (o.ack && pending.size >= o.window) return
        let id: string | null = null
        if (o.ack) {
          id = randomBytes(16).toString('base64')
          pending.set(id, performance.now())
        }
        const v = payloads.variants[(offset + res.messages) % payloads.variants.length]
        const opts = optionsBytes(payloads.events, id, o.compress)
        sock.cork()
        sock.write(v.head)
        sock.write(v.body)
        const ok = sock.write(opts)
        sock.uncork()
        res.bytes += v.head.length + v.body.length + opts.length
        res.messages++
        if (!ok) {
          sock.once('drain', pump)
          return
        }
      }
      if (!o.ack) sock.end()
    }
    if (o.ack) {
      ;(async () => {
        try {
          for await (const reply of decodeMultiStream(sock)) {
            const raw = (reply as { ack?: unknown } | null)?.ack
            const id = raw instanceof Uint8Array ? Buffer.from(raw).toString() : String(raw)
            const t0 = pending.get(id)
            if (t0 === undefined) return finish(`an ack matched no message: ${JSON.stringify(reply)}`)
            res.latencies.push(performance.now() - t0)
            pending.delete(id)
            acked++
            if (acked === count) return finish(null)
            pump()
          }
          finish(`the server closed the connection after ${acked} of ${count} acks`)
        } catch (e) {
          finish((e as Error).message)
        }
      })()
    } else {
      sock.on('data', () => {})
      sock.on('close', () => finish(null))
    }
    pump()
  })
}

export async function runForwardLoad(o: Options): Promise<ForwardLoadResult> {
  const payloads = buildForwardPayloads({ tag: o.tag, compress: o.compress })
  const socks = await Promise.all(Array.from({ length: o.conns }, () => open(o.port)))
  const per = (c: number) => Math.floor(o.messages / o.conns) + (c < o.messages % o.conns ? 1 : 0)
  const t0 = performance.now()
  const results = await Promise.all(socks.map((s, c) => drive(s, o, payloads, per(c), c)))
  const seconds = (performance.now() - t0) / 1000
  const messages = results.reduce((a, r) => a + r.messages, 0)
  const lat = results.flatMap((r) => r.latencies).sort((a, b) => a - b)
  const errors = results.flatMap((r, i) => (r.error ? [`connection ${i + 1}: ${r.error}`] : []))
  const events = errors.length === 0 ? messages * payloads.events : 0
  return {
    events,
    messages,
    bytes: results.reduce((a, r) => a + r.bytes, 0),
    seconds,
    eventsPerSec: events / seconds,
    ackP50Ms: lat.length > 0 ? lat[Math.floor(lat.length / 2)] : null,
    recordBytes: payloads.recordBytes,
    source: payloads.source,
    errors,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runForwardLoad(parse(process.argv.slice(2))).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`)
      process.exit(r.errors.length > 0 ? 1 : 0)
    },
    (e: unknown) => {
      process.stderr.write(`forward-load: ${e instanceof Error ? e.message : String(e)}\n`)
      process.exit(2)
    },
  )
}
