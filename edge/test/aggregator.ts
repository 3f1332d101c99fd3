/**
 * @module Node-side peers for the workerd tests (run by global-setup.ts, never inside workerd): a
 * Forward receiver with switchable behaviour — acks, the shared-key handshake (server side of
 * reference §1.6), never acking, closing at once, acking the wrong id — that records every event
 * it gets, and an HTTP sink that answers a planned sequence of statuses. The workerd tests read
 * and steer them over a small control HTTP API (workerd cannot reach Node memory).
 */

import { createHash, randomBytes } from 'node:crypto'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { decodeMulti, decodeMultiStream, encode } from '@msgpack/msgpack'
import { EventTime, eventTimeCodec } from '../../engine/event-time.ts'

export type Behaviour = 'ack' | 'silent' | 'close' | 'wrong-ack' | 'no-ack-needed'

export interface ReceivedEvent {
  tag: string
  time: [number, number]
  /** The time came as an integer (time_as_integer), not an EventTime. */
  integerTime: boolean
  record: unknown
}

export interface ForwardPeer {
  name: string
  port: number
  events: ReceivedEvent[]
  /** Messages received (PackedForward options included). */
  messages: { tag: string; size: number | null; compressed: string | null; chunk: string | null; entriesAreBin: boolean }[]
  handshakes: { ok: boolean; reason: string; hostname: string }[]
  connections: number
  server: Server
  stop(): Promise<void>
}

export interface PeerOptions {
  behaviour: Behaviour
  /** With a key, every connection starts with HELO and needs a valid PING. */
  sharedKey?: string
  hostname?: string
}

const sha512 = (...parts: (string | Uint8Array)[]) => {
  const h = createHash('sha512')
  for (const p of parts) h.update(p)
  return h.digest('hex')
}

const asText = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'string' ? v : '')

export async function startForwardPeer(name: string, options: PeerOptions): Promise<ForwardPeer> {
  const sockets = new Set<Socket>()
  const server = createServer()
  const peer: ForwardPeer = {
    name,
    port: 0,
    events: [],
    messages: [],
    handshakes: [],
    connections: 0,
    server,
    stop: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    peer.connections++
    serve(peer, socket, options).catch(() => socket.destroy())
  })
  await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve))
  peer.port = (peer.server.address() as AddressInfo).port
  return peer
}

async function serve(peer: ForwardPeer, socket: Socket, options: PeerOptions): Promise<void> {
  socket.on('error', () => {})
  const objects = decodeMultiStream<undefined>(Readable.toWeb(socket) as ReadableStream<Uint8Array>, { rawStrings: true })
  const it = objects[Symbol.asyncIterator]()
  if (options.sharedKey !== undefined) {
    const nonce = randomBytes(16)
    socket.write(encode(['HELO', { nonce, auth: randomBytes(16), keepalive: true }]))
    const step = await it.next()
    const ping = step.value as unknown[]
    const hostname = options.hostname ?? 'aggregator.test'
    if (step.done || !Array.isArray(ping) || ping.length !== 6 || asText(ping[0]) !== 'PING') {
      peer.handshakes.push({ ok: false, reason: 'invalid ping message', hostname: '' })
      socket.end(encode(['PONG', false, 'invalid ping message', '', '']))
      return
    }
    const [, clientHost, salt, digest] = ping.map(asText)
    const saltBytes = ping[2] instanceof Uint8Array ? ping[2] : Buffer.from(salt)
    if (digest !== sha512(saltBytes, clientHost, nonce, options.sharedKey)) {
      peer.handshakes.push({ ok: false, reason: 'shared_key mismatch', hostname: clientHost })
      socket.end(encode(['PONG', false, 'shared_key mismatch', '', '']))
      return
    }
    peer.handshakes.push({ ok: true, reason: '', hostname: clientHost })
    socket.write(encode(['PONG', true, '', hostname, sha512(saltBytes, hostname, nonce, options.sharedKey)]))
  }
  for (;;) {
    const step = await it.next()
    if (step.done) return
    if (options.behaviour === 'close') {
      socket.destroy()
      return
    }
    const message = step.value as unknown[]
    const tag = asText(message[0])
    const opts = (message[2] ?? {}) as Record<string, unknown>
    const compressed = opts.compressed === undefined ? null : asText(opts.compressed)
    let entries = message[1] as Uint8Array
    const entriesAreBin = !(typeof message[1] === 'string')
    if (compressed === 'gzip') entries = gunzipSync(entries)
    for (const entry of decodeMulti(entries, { extensionCodec: eventTimeCodec, useBigInt64: true })) {
      const [time, record] = entry as [EventTime | number, unknown]
      peer.events.push({
        tag,
        time: time instanceof EventTime ? [time.sec, time.nsec] : [Number(time), 0],
        integerTime: !(time instanceof EventTime),
        record,
      })
    }
    const chunk = opts.chunk === undefined ? null : asText(opts.chunk)
    peer.messages.push({ tag, size: typeof opts.size === 'number' ? opts.size : null, compressed, chunk, entriesAreBin })
    if (chunk !== null && options.behaviour === 'ack') socket.write(encode({ ack: chunk }))
    if (chunk !== null && options.behaviour === 'wrong-ack') socket.write(encode({ ack: 'not-your-chunk' }))
  }
}

export interface HttpSink {
  port: number
  requests: { method: string; path: string; headers: Record<string, string>; body: string }[]
  /** Statuses to answer, in order; 200 once empty. */
  plan: number[]
  server: HttpServer
}

export async function startHttpSink(): Promise<HttpSink> {
  const sink: HttpSink = { port: 0, requests: [], plan: [], server: createHttpServer() }
  sink.server.on('request', (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let body = Buffer.concat(chunks)
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
      sink.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers as Record<string, string>,
        body: body.toString('utf8'),
      })
      const status = sink.plan.shift() ?? 200
      res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {}).end(status === 200 ? 'ok' : `status ${status}`)
    })
  })
  await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve))
  sink.port = (sink.server.address() as AddressInfo).port
  return sink
}
