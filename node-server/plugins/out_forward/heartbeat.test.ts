/**
 * @module out_forward heartbeats on real sockets with fast settings: a transport (TCP connect)
 * heartbeat keeps a live server available, detaches it when it goes away (hard_timeout or phi)
 * and recovers it after recover_wait worth of heartbeats when it is back on the same port; UDP
 * heartbeats against sluice's own in_forward.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, type LogRecord } from '../../../engine/log.ts'
import type { Core } from '../../../wasm/core.ts'
import { loadCore } from '../../../wasm/load-node.ts'
import { startForward, waitUntil, type ForwardHarness } from '../in_forward/testing.ts'
import type { ForwardOutputOptions } from './options.ts'
import { FakeReceiver, server, writerOptions } from './testing.ts'
import { ForwardWriter } from './writer.ts'

let core: Core
beforeAll(async () => {
  core = await loadCore()
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function startWriter(options: ForwardOutputOptions): Promise<{ w: ForwardWriter; logs: LogRecord[] }> {
  const logs: LogRecord[] = []
  const w = new ForwardWriter(
    core,
    options,
    createLogger((r) => logs.push(r), 'debug'),
  )
  cleanups.push(() => w.stop())
  await w.start()
  return { w, logs }
}

const fast = { heartbeatIntervalMs: 20, hardTimeoutMs: 600, recoverWaitMs: 100 }

describe('out_forward heartbeats', () => {
  it('transport: detaches a server that went away, recovers it when it is back on the same port', async () => {
    const r = new FakeReceiver()
    const port = await r.listen()
    cleanups.push(() => r.close())
    const { w, logs } = await startWriter(writerOptions([server(port)], { heartbeatType: 'transport', ...fast }))
    const node = w.nodes[0]
    await waitUntil(() => r.connections >= 3, 'heartbeat connections')
    expect(node.available).toBe(true)
    await r.close()
    await waitUntil(() => !node.available, 'the server to be detached')
    expect(logs.some((l) => l.message === 'Detached forwarding server.' && l.fields.hard_timeout === true)).toBe(true)
    await r.listen(port)
    await waitUntil(() => node.available, 'the server to recover')
    expect(logs.some((l) => l.message === 'Recovered forwarding server.')).toBe(true)
  })

  it('transport with a low phi_threshold: detaches on phi before hard_timeout', async () => {
    const r = new FakeReceiver()
    const port = await r.listen()
    cleanups.push(() => r.close())
    const { w, logs } = await startWriter(
      writerOptions([server(port)], { heartbeatType: 'transport', ...fast, hardTimeoutMs: 60_000, phiThreshold: 1 }),
    )
    await waitUntil(() => r.connections >= 3, 'heartbeat connections')
    await r.close()
    await waitUntil(() => !w.nodes[0].available, 'the server to be detached')
    expect(logs.find((l) => l.message === 'Detached forwarding server.')!.fields).toHaveProperty('phi')
  })

  it('udp: sluice in_forward answers, the server stays available; without an answer it is detached', async () => {
    let h: ForwardHarness | null = await startForward()
    cleanups.push(() => h?.stop())
    const { w } = await startWriter(writerOptions([server(h.port)], { heartbeatType: 'udp', ...fast }))
    // 20 answered heartbeats span more than hard_timeout: only the answers keep the server attached.
    await waitUntil(() => w.nodes[0].heartbeats >= 20, 'twenty answered heartbeats')
    expect(w.nodes[0].available).toBe(true)
    await h.stop()
    h = null
    await waitUntil(() => !w.nodes[0].available, 'the server to be detached')
  })

  it('none: servers are always available, whatever happens', async () => {
    const { w } = await startWriter(writerOptions([server(1)], { heartbeatType: 'none', ...fast }))
    w.nodes[0].disable('test')
    w.nodes[0].tick()
    expect(w.nodes[0].available).toBe(true)
  })
})
