/**
 * @module A minimal Forward-protocol server for tests of `sluice bench`: frames each connection's
 * bytes with the core (`core.framer.frame`), counts events (inflating CompressedPackedForward),
 * checks the tag and the record sizes, and acks `{"ack": <chunk>}` byte for byte. Optional delay
 * before acks, a switch to stop acking, and dropping every open connection, to test the window, the
 * ack timeout and --reconnect. Listens on `port` (default 0: any free port).
 */

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'
import type { Core } from '../../../../wasm/core.ts'
import { Mode, FrameStatus } from '../../../../wasm/types.ts'

export interface ForwardSink {
  port: number
  events: number
  messages: number
  acks: number
  tags: Set<string>
  recordSizes: Set<number>
  /** Highest number of messages waiting for their ack at once, per connection. */
  maxUnacked: number
  errors: string[]
  /** Milliseconds before each ack is written. */
  ackDelayMs: number
  acking: boolean
  /** Connections accepted so far. */
  connections: number
  /** Destroys every open connection (the listener stays). */
  dropConnections(): void
  close(): Promise<void>
}

export async function startForwardSink(core: Core, port = 0): Promise<ForwardSink> {
  const sockets = new Set<Socket>()
  const sink: ForwardSink = {
    port: 0,
    events: 0,
    messages: 0,
    acks: 0,
    tags: new Set(),
    recordSizes: new Set(),
    maxUnacked: 0,
    errors: [],
    ackDelayMs: 0,
    acking: true,
    connections: 0,
    dropConnections: () => {
      for (const s of sockets) s.destroy()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
  const server: Server = createServer((socket) => {
    sink.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let tail = Buffer.alloc(0)
    let unacked = 0
    socket.on('data', (data) => {
      const bytes = tail.length ? Buffer.concat([tail, data]) : data
      const out = core.framer.frame(bytes)
      for (const m of out.messages) {
        if (m.mode === Mode.HEARTBEAT || m.mode === Mode.NOT_ARRAY) continue
        sink.messages++
        if (m.tag) sink.tags.add(bytes.toString('utf8', m.tag[0], m.tag[1]))
        let entries = m.events
        if (m.mode === Mode.COMPRESSED) {
          const inflated = gunzipSync(bytes.subarray(m.entries[0], m.entries[1]))
          entries = core.framer.walkEntries(inflated).events
        }
        for (const e of entries) {
          if (e.flags & 1) sink.errors.push('invalid entry')
          else sink.recordSizes.add(e.record[1] - e.record[0])
        }
        sink.events += entries.length
        if (m.options.chunk && sink.acking) {
          const ack = Buffer.concat([Buffer.from([0x81, 0xa3, 0x61, 0x63, 0x6b]), bytes.subarray(m.options.chunk[0], m.options.chunk[1])])
          unacked++
          sink.maxUnacked = Math.max(sink.maxUnacked, unacked)
          const send = () => {
            unacked--
            sink.acks++
            if (!socket.destroyed) socket.write(ack)
          }
          if (sink.ackDelayMs > 0) setTimeout(send, sink.ackDelayMs)
          else send()
        }
      }
      if (out.status === FrameStatus.NEED_MORE) tail = Buffer.from(bytes.subarray(out.consumed))
      else if (out.status === FrameStatus.OK) tail = Buffer.alloc(0)
      else {
        sink.errors.push(`framing status ${out.status}`)
        socket.destroy()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  sink.port = (server.address() as AddressInfo).port
  return sink
}
