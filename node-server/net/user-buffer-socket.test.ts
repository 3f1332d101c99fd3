/** @module adoptUserBuffer on real sockets: reads land in the given memory, end/close/writes/pause work, the server's count follows. */

import { connect, createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { adoptUserBuffer } from './user-buffer-socket.ts'

let server: Server | null = null
const clients: Socket[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  if (server !== null) await new Promise((resolve) => server!.close(resolve))
  server = null
})

/** A server accepting paused sockets; resolves with the port and the next accepted socket. */
async function listen(): Promise<{ port: number; accepted: () => Promise<Socket> }> {
  const waiting: ((s: Socket) => void)[] = []
  const queued: Socket[] = []
  server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => {
    const w = waiting.shift()
    if (w !== undefined) w(s)
    else queued.push(s)
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    port,
    accepted: () => new Promise((resolve) => (queued.length > 0 ? resolve(queued.shift()!) : waiting.push(resolve))),
  }
}

function client(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const c = connect({ port, host: '127.0.0.1' }, () => resolve(c))
    clients.push(c)
  })
}

const waitFor = async (cond: () => boolean): Promise<void> => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5))
}

describe('adoptUserBuffer', () => {
  it('reads into the buffers it is given, in order, and passes end, writes and close through', async () => {
    const { port, accepted } = await listen()
    const c = await client(port)
    const raw = await accepted()
    const memory = Buffer.alloc(1 << 20)
    let filled = 0
    const lengths: number[] = []
    const s = adoptUserBuffer(
      raw,
      () => memory.subarray(filled, filled + 4096),
      (n) => {
        lengths.push(n)
        filled += n
      },
    )
    expect(s).not.toBeNull()
    expect(raw.destroyed).toBe(true)
    let ended = false
    s!.on('end', () => {
      ended = true
      s!.end('bye')
    })
    s!.resume()
    const sent = Buffer.alloc(300_000)
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 7) & 0xff
    const reply: Buffer[] = []
    c.on('data', (d: Buffer) => reply.push(d))
    const closed = new Promise((resolve) => c.on('close', resolve))
    c.end(sent)
    await waitFor(() => ended)
    await closed
    expect(filled).toBe(sent.length)
    expect(memory.subarray(0, filled).equals(sent)).toBe(true)
    // Every read was bounded by the room offered.
    expect(Math.max(...lengths)).toBeLessThanOrEqual(4096)
    expect(Buffer.concat(reply).toString()).toBe('bye')
  })

  it('starts paused, stops reading on pause, and the server counts the adopted socket until it closes', async () => {
    const { port, accepted } = await listen()
    const c = await client(port)
    const raw = await accepted()
    let got = 0
    const memory = Buffer.alloc(65536)
    const s = adoptUserBuffer(
      raw,
      () => memory,
      (n) => {
        got += n
      },
    )!
    expect(s.isPaused()).toBe(true)
    c.write('first')
    s.resume()
    await waitFor(() => got === 5)
    s.pause()
    expect(s.isPaused()).toBe(true)
    c.write('second')
    s.resume()
    await waitFor(() => got === 11)
    expect(memory.subarray(0, 6).toString()).toBe('second')
    // The server counts the adopted socket (not the handle-less old one) until it closes.
    const count = await new Promise<number>((resolve) => server!.getConnections((_e, n) => resolve(n)))
    expect(count).toBe(1)
    let serverClosed = false
    server!.close(() => {
      serverClosed = true
    })
    s.destroy()
    await waitFor(() => serverClosed)
    server = null
  })

  it('refuses a socket that is already reading (the caller keeps it)', async () => {
    const { port, accepted } = await listen()
    await client(port)
    const raw = await accepted()
    raw.resume()
    expect(
      adoptUserBuffer(
        raw,
        () => Buffer.alloc(16),
        () => undefined,
      ),
    ).toBeNull()
    expect(raw.destroyed).toBe(false)
    raw.destroy()
  })
})
