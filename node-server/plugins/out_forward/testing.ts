/**
 * @module Test support for out_forward (not a test file itself): a fake receiver on port 0 that
 * decodes what it gets and answers as told (ack, a wrong ack, close, silence), chunk builders,
 * and writer options with test-friendly defaults.
 */

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { decode, encode } from '@msgpack/msgpack'
import { referenceFramer } from '../../../wasm/reference/framer.ts'
import { eventTimeCodec, EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { newChunkId, type Chunk } from '../../../engine/output/chunk.ts'
import type { ForwardOutputOptions, ServerOptions } from './options.ts'

export type Answer = 'ack' | 'wrong-ack' | 'close' | 'silent'

export interface Received {
  connection: number
  message: unknown[]
  /** The message's bytes as received. */
  raw: Uint8Array
}

export class FakeReceiver {
  readonly messages: Received[] = []
  connections = 0
  readonly sockets = new Set<Socket>()
  /** Connection number (1-based) → socket. */
  readonly byConnection = new Map<number, Socket>()
  answer: Answer = 'ack'
  private server: Server | null = null

  async listen(port = 0): Promise<number> {
    const server = createServer((socket) => this.accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    this.server = server
    return (server.address() as AddressInfo).port
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port
  }

  private accept(socket: Socket): void {
    const connection = ++this.connections
    this.sockets.add(socket)
    this.byConnection.set(connection, socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => undefined)
    let pending = Buffer.alloc(0)
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data])
      const framed = referenceFramer.frame(pending)
      for (const m of framed.messages) {
        const raw = pending.subarray(m.start, m.end)
        this.onMessage(socket, connection, decode(raw, { extensionCodec: eventTimeCodec }) as unknown[], Uint8Array.from(raw))
      }
      pending = pending.subarray(framed.consumed)
    })
  }

  private onMessage(socket: Socket, connection: number, message: unknown[], raw: Uint8Array): void {
    this.messages.push({ connection, message, raw })
    const options = message[2] as { chunk?: string } | undefined
    if (this.answer === 'close') return void socket.destroy()
    if (options?.chunk === undefined || this.answer === 'silent') return
    const ack = this.answer === 'ack' ? options.chunk : 'not-' + options.chunk
    socket.write(encode({ ack }))
  }

  /** Acks message `i` (as received) on its connection. */
  ackMessage(i: number): void {
    const { connection, message } = this.messages[i]
    this.byConnection.get(connection)!.write(encode({ ack: (message[2] as { chunk: string }).chunk }))
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    const server = this.server
    this.server = null
    if (server) await new Promise((resolve) => server.close(resolve))
  }
}

export const T = 1441588984

/** A chunk of `n` events `{n: i}` for `tag`, times T + i with nsec i. */
export function testChunk(tag: string, n: number, first = 0): Chunk {
  const stream = streamFromEvents(
    tag,
    Array.from({ length: n }, (_, k) => ({ time: new EventTime(T + first + k, first + k), record: { n: first + k } })),
  )
  return { tag, timekey: null, variables: {}, id: newChunkId(), entries: stream.entries, count: stream.count, createdAt: Date.now() }
}

export function server(port: number, extra: Partial<ServerOptions> = {}): ServerOptions {
  return { host: '127.0.0.1', port, name: `127.0.0.1:${port}`, weight: 60, standby: false, ...extra }
}

/** Writer options: Fluentd's defaults except fast heartbeats and short timeouts. */
export function writerOptions(servers: ServerOptions[], extra: Partial<ForwardOutputOptions> = {}): ForwardOutputOptions {
  return {
    servers,
    requireAckResponse: false,
    ackResponseTimeoutMs: 2_000,
    sendTimeoutMs: 5_000,
    connectTimeoutMs: 2_000,
    keepalive: false,
    keepaliveTimeoutMs: 0,
    sendKeepalivePacket: false,
    compress: false,
    timeAsInteger: false,
    heartbeatType: 'none',
    heartbeatIntervalMs: 1_000,
    hardTimeoutMs: 60_000,
    recoverWaitMs: 10_000,
    phiFailureDetector: true,
    phiThreshold: 16,
    verifyConnectionAtStartup: false,
    expireDnsCacheMs: null,
    dnsRoundRobin: false,
    ignoreNetworkErrorsAtStartup: false,
    ...extra,
  }
}
