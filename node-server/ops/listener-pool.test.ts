/**
 * @module The listener pool with plain Node servers on port 0 then that exact port: listens are
 * attributed to the plugin whose start runs, failures are reported with the port, a parked socket
 * holds connections that arrive during the swap and hands them to the next server on the same
 * address; an unclaimed one is closed; a new address on the same port frees it.
 */

import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ListenerPool, type ListenEvent } from './listener-pool.ts'

const pools: ListenerPool[] = []
const servers: Server[] = []

afterEach(async () => {
  for (const p of pools.splice(0)) p.uninstall()
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

function newPool(): ListenerPool {
  const pool = new ListenerPool().install()
  pools.push(pool)
  return pool
}

/** A server that answers each line with `name:line`. */
function echoServer(name: string): Server {
  const server = createServer((socket) => socket.on('data', (d) => socket.write(`${name}:${d}`)))
  servers.push(server)
  return server
}

function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host }, () => resolve((server.address() as AddressInfo).port))
  })
}

function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(text))
    socket.once('data', (d) => {
      resolve(String(d))
      socket.destroy()
    })
    socket.once('error', reject)
  })
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

const owner = (generation: number, pluginId = 'in') => ({ generation, pluginId, type: 'forward', kind: 'input' })

describe('ListenerPool', () => {
  it('attributes a listen to the plugin whose start runs, with the bound port', async () => {
    const pool = newPool()
    const events: ListenEvent[] = []
    pool.onEvent((e) => events.push(e))
    const port = await pool.runAs(owner(1), () => listen(echoServer('a'), 0))
    expect(events).toHaveLength(1)
    expect(events[0].owner).toEqual(owner(1))
    expect(events[0].address?.port).toBe(port)
    expect(pool.listening(1).map((e) => e.address?.port)).toEqual([port])
  })

  it('reports EADDRINUSE with the requested port', async () => {
    const pool = newPool()
    const port = await listen(echoServer('a'), 0)
    const events: ListenEvent[] = []
    pool.onEvent((e) => events.push(e))
    await expect(pool.runAs(owner(1), () => listen(echoServer('b'), port))).rejects.toThrow(/EADDRINUSE/)
    expect(events[0].error?.code).toBe('EADDRINUSE')
    expect(events[0].port).toBe(port)
    expect(events[0].owner?.pluginId).toBe('in')
  })

  it('hands a parked socket and the connections it held to the next server on the same address', async () => {
    const pool = newPool()
    const first = await pool.runAs(owner(1), () => listen(echoServer('old'), 0))
    // Now listen on that exact port, as a config with a fixed port does.
    const oldServer = servers[0]
    await new Promise((r) => oldServer.close(r))
    servers.length = 0
    const a = echoServer('A')
    const port = await pool.runAs(owner(2), () => listen(a, first))
    expect(await ask(port, 'x')).toBe('A:x')

    expect(pool.park(2)).toBe(1)
    // The old server closes as usual; the socket stays open.
    await new Promise((r) => a.close(r))
    const during = ask(port, 'held') // connects now, answered after the handover
    const b = echoServer('B')
    const events: ListenEvent[] = []
    pool.onEvent((e) => events.push(e))
    expect(await pool.runAs(owner(3), () => listen(b, port))).toBe(port)
    expect(await during).toBe('B:held')
    expect(events[0].handedOver).toBe(true)
    expect(pool.parkedCount).toBe(0)
    expect(await ask(port, 'y')).toBe('B:y')
  })

  it('gives a port-0 listener back to the same plugin when it asks for port 0 again', async () => {
    const pool = newPool()
    const a = echoServer('A')
    const port = await pool.runAs(owner(1, 'in'), () => listen(a, 0))
    const other = echoServer('other')
    const otherPort = await pool.runAs(owner(1, 'in2'), () => listen(other, 0))
    pool.park(1)
    await Promise.all([a, other].map((s) => new Promise((r) => s.close(r))))
    // Another plugin asking for port 0 does not take it; the same plugin does.
    const b = echoServer('B')
    const c = echoServer('C')
    expect(await pool.runAs(owner(2, 'in2'), () => listen(b, 0))).toBe(otherPort)
    expect(await pool.runAs(owner(2, 'in'), () => listen(c, 0))).toBe(port)
    expect(await ask(port, 'q')).toBe('C:q')
  })

  it('closes parked sockets nobody claimed, and the connections they held', async () => {
    const pool = newPool()
    const probe = echoServer('probe')
    const fixed = await listen(probe, 0)
    await new Promise((r) => probe.close(r))
    servers.length = 0
    const a = echoServer('A')
    await pool.runAs(owner(1), () => listen(a, fixed))
    pool.park(1)
    await new Promise((r) => a.close(r))
    const held = new Promise<string>((resolve) => {
      const socket = connect(fixed, '127.0.0.1')
      socket.on('error', () => resolve('error'))
      socket.on('close', () => resolve('closed'))
    })
    await waitUntil(() => pool.heldCount === 1)
    expect(pool.releaseParked()).toBe(1)
    expect(await held).toMatch(/closed|error/)
    await expect(
      new Promise((resolve, reject) => {
        const socket = connect(fixed, '127.0.0.1', () => resolve('connected'))
        socket.on('error', reject)
      }),
    ).rejects.toThrow(/ECONNREFUSED/)
  })

  it('frees the port when the next server wants it on another address', async () => {
    const pool = newPool()
    const probe = echoServer('probe')
    const fixed = await listen(probe, 0)
    await new Promise((r) => probe.close(r))
    servers.length = 0
    const a = echoServer('A')
    await pool.runAs(owner(1), () => listen(a, fixed, '127.0.0.1'))
    pool.park(1)
    await new Promise((r) => a.close(r))
    const b = echoServer('B')
    expect(await pool.runAs(owner(2), () => listen(b, fixed, '0.0.0.0'))).toBe(fixed)
    expect(pool.parkedCount).toBe(0)
    expect(await ask(fixed, 'z')).toBe('B:z')
  })
})
