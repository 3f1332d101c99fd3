/**
 * @module The supervisor's shared sockets and the Node internals they use (net._createServerHandle,
 * dgram._createSocketHandle, a TCP handle's getsockname): one socket per key, port 0 bound once
 * and shared, a port in use is a BindError with Node's wording (TCP's deferred bind error
 * included), no deprecation warning, `retain` / `closeAll` free the ports, and a plugin's server
 * and a dgram socket work on the handles (what a worker does with them after the IPC hop).
 */

import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { connect, createServer, type AddressInfo, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { BindError, nodeInternals, SocketManager } from './socket-manager.ts'

const closers: (() => void)[] = []
afterEach(() => {
  for (const close of closers.splice(0)) close()
})

function manager(): SocketManager {
  const m = new SocketManager()
  closers.push(() => m.closeAll())
  return m
}

async function busyTcp(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  closers.push(() => s.close())
  return (s.address() as AddressInfo).port
}

const sockname = (handle: unknown) => {
  const out: { address?: string; port?: number } = {}
  ;(handle as { getsockname(o: object): number }).getsockname(out)
  return out
}

describe('SocketManager', () => {
  it('finds the Node internals it relies on', () => {
    expect(() => nodeInternals()).not.toThrow()
  })

  it('binds a key once and hands the same socket to every ask; port 0 is bound once and shared', async () => {
    const m = manager()
    const [a, b] = await Promise.all([
      m.acquire({ proto: 'tcp', host: '127.0.0.1', port: 0, key: 'k' }),
      m.acquire({ proto: 'tcp', host: '127.0.0.1', port: 0, key: 'k' }),
    ])
    expect(a).toBe(b)
    expect(sockname(a)).toMatchObject({ address: '127.0.0.1' })
    expect(sockname(a).port).toBeGreaterThan(0)
    const other = await m.acquire({ proto: 'tcp', host: '127.0.0.1', port: 0, key: 'other' })
    expect(sockname(other).port).not.toBe(sockname(a).port)
    expect(m.keys().sort()).toEqual(['k', 'other'])
  })

  it('reports a TCP port in use (libuv defers that error to listen) and a UDP one, as Node words them', async () => {
    const port = await busyTcp()
    const m = manager()
    const tcp = await m.acquire({ proto: 'tcp', host: '127.0.0.1', port, key: 't' }).catch((e: unknown) => e)
    expect(tcp).toBeInstanceOf(BindError)
    expect(tcp).toMatchObject({ code: 'EADDRINUSE', message: `listen EADDRINUSE: address already in use 127.0.0.1:${port}` })
    expect(m.size).toBe(0)
    const udp = createSocket('udp4')
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve))
    closers.push(() => udp.close())
    const taken = udp.address().port
    const err = await m.acquire({ proto: 'udp', host: '127.0.0.1', port: taken, key: 'u' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'EADDRINUSE', message: `bind EADDRINUSE: address already in use 127.0.0.1:${taken}` })
    const bad = await m.acquire({ proto: 'tcp', host: 'no-such-host.invalid', port: 0, key: 'n' }).catch((e: unknown) => e)
    expect(bad).toMatchObject({ code: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) })
  })

  it('binds UDP without a deprecation warning', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      await manager().acquire({ proto: 'udp', host: '127.0.0.1', port: 0, key: 'u' })
      await new Promise((r) => setImmediate(r))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.name === 'DeprecationWarning')).toEqual([])
  })

  it('a server listens on the TCP handle and a dgram socket binds to the UDP one', async () => {
    const m = manager()
    const tcp = await m.acquire({ proto: 'tcp', host: '127.0.0.1', port: 0, key: 't' })
    const server: Server = createServer((socket) => socket.end('hi'))
    await new Promise<void>((resolve) => server.listen({ _handle: tcp } as never, 511, resolve))
    const port = (server.address() as AddressInfo).port
    expect(port).toBe(sockname(tcp).port)
    const text = await new Promise<string>((resolve) => {
      let got = ''
      connect(port, '127.0.0.1')
        .on('data', (d) => (got += d))
        .on('end', () => resolve(got))
    })
    expect(text).toBe('hi')
    const udpHandle = await m.acquire({ proto: 'udp', host: '127.0.0.1', port: 0, key: 'u' })
    const udp: UdpSocket = createSocket('udp4')
    await new Promise<void>((resolve) => udp.bind(udpHandle as never, () => resolve()))
    const received = new Promise<string>((resolve) => udp.once('message', (msg) => resolve(msg.toString())))
    const sender = createSocket('udp4')
    sender.send('ping', udp.address().port, '127.0.0.1')
    expect(await received).toBe('ping')
    sender.close()
    udp.close()
    await new Promise((r) => server.close(r))
  })

  it('retain closes the sockets no worker uses; their ports are free again', async () => {
    const m = manager()
    const keep = await m.acquire({ proto: 'tcp', host: '127.0.0.1', port: 0, key: 'keep' })
    const drop = await m.acquire({ proto: 'tcp', host: '127.0.0.1', port: 0, key: 'drop' })
    const freed = sockname(drop).port!
    expect(m.retain(new Set(['keep']))).toBe(1)
    expect(m.keys()).toEqual(['keep'])
    const again = await m.acquire({ proto: 'tcp', host: '127.0.0.1', port: freed, key: 'again' })
    expect(sockname(again).port).toBe(freed)
    expect(sockname(keep).port).toBeGreaterThan(0)
    m.closeAll()
    expect(m.size).toBe(0)
  })
})
