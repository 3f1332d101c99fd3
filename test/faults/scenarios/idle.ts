/**
 * @module Scenario 6 — 10,000 idle connections and slowloris senders beside a well-behaved client.
 * The forwarder's in_forward allows more than 10,000 connections (max_connections 20000, backlog
 * 4096); the test holds `idle` connections open that never send a byte, and `slowloris` senders
 * trickle a valid message one byte every `trickleMs` (when in_forward has `frame_timeout`, it is
 * set short so they get closed). The bench's events must all arrive; the forwarder's memory with
 * ten thousand sockets open is the figure to read.
 */

import { nodeRegistry } from '../../../node-server/plugins/registry.ts'
import { startLoad } from '../harness/bench.ts'
import { fileBuffer } from '../harness/configs.ts'
import { openIdle, raiseFileLimit, runSlowloris } from '../harness/idle.ts'
import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { Topology } from '../harness/topology.ts'

export interface IdleOptions extends ScenarioOptions {
  /** Idle connections (default 10,000; fewer when the open-file limit cannot be raised). */
  idle?: number
  slowloris?: number
  trickleMs?: number
}

/** Does this build's in_forward have the parameter (the hardening work adds some)? */
function inForwardHas(param: string): boolean {
  return (
    nodeRegistry()
      .get('input', 'forward')
      ?.schema.params.some((p) => p.name === param) === true
  )
}

export async function idleScenario(o: IdleOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const wanted = o.idle ?? 10_000
  // This process holds the idle sockets, the forwarder accepts them: each needs about `wanted` descriptors.
  const limit = raiseFileLimit(wanted + 1_000)
  const idleCount = Math.max(0, Math.min(wanted, limit - 1_000))
  const frameTimeoutS = Math.max(1, Math.min(5, o.durationS / 4))
  const frameTimeout = inForwardHas('frame_timeout') ? `  frame_timeout ${frameTimeoutS}\n` : ''
  const topo = await Topology.create({
    dir: o.dir,
    buffer: (dir) => fileBuffer(dir),
    source: `  max_connections ${idleCount + 5_000}\n  backlog 4096\n${frameTimeout}`,
  })
  let idle: Awaited<ReturnType<typeof openIdle>> | null = null
  try {
    await topo.start()
    const opening = Date.now()
    idle = await openIdle(topo.forwarderPort, idleCount)
    o.log(`  ${idle.opened} idle connections open in ${((Date.now() - opening) / 1000).toFixed(1)} s`)
    const load = startLoad({ port: topo.forwarderPort, durationS: o.durationS, rate: o.rate })
    const slow = await runSlowloris(topo.forwarderPort, o.slowloris ?? 20, o.trickleMs ?? 100, Date.now() + o.durationS * 1000)
    const run = await load.done
    const stillOpen = idle.opened - idle.closedByServer()
    idle.close()
    const tally = await topo.settle(run.result, 30_000)
    return {
      id: '6-idle-slowloris',
      title: `${idle.opened.toLocaleString('en-US')} idle connections and slowloris senders`,
      tally,
      peakRss: { bench: run.peakRss, forwarder: topo.forwarder.peakRss, receiver: topo.receiver.peakRss },
      durationS: (Date.now() - started) / 1000,
      crashes: topo.crashes,
      bench: run.result,
      notes: [
        `${idle.opened.toLocaleString('en-US')} idle connections (${idle.failed} failed${idleCount < wanted ? `; open-file limit ${limit} allowed ${idleCount} of ${wanted}` : ''}), ${stillOpen.toLocaleString('en-US')} still open at the end (no idle_timeout: Fluentd's default)`,
        `${o.slowloris ?? 20} slowloris senders, 1 byte / ${o.trickleMs ?? 100} ms: ${slow.connections} connections, ${slow.closedByServer} closed by the forwarder${frameTimeout ? ` (frame_timeout ${frameTimeoutS}s)` : ' (this in_forward has no frame_timeout)'}`,
      ],
    }
  } finally {
    idle?.close()
    await topo.stop()
  }
}
