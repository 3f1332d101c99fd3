/**
 * @module Scenario 2 — the upstream down for a long time, then flapping. sluice bench → forwarder
 * (file buffer, durable) → receiver. Under load the receiver is killed (SIGKILL: its own file
 * buffer keeps what it acknowledged) and stays down for `downS` (30 s in the full run) while the
 * forwarder keeps accepting into its buffer, detaches the server (heartbeats) and retries; then
 * the receiver flaps — up and down every `flapS` seconds, `flaps` times — and finally stays up.
 * Every event the forwarder acknowledged must reach the receiver.
 */

import { startLoad } from '../harness/bench.ts'
import { fileBuffer } from '../harness/configs.ts'
import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { jitter, sleep } from '../harness/timing.ts'
import { Topology } from '../harness/topology.ts'

export interface OutageOptions extends ScenarioOptions {
  /** Seconds the receiver stays down (default 30). */
  downS?: number
  /** Up/down cycles after the outage (default 5) and their half-period in seconds (default 2). */
  flaps?: number
  flapS?: number
}

export async function outageScenario(o: OutageOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const downS = o.downS ?? 30
  const flaps = o.flaps ?? 5
  const flapS = o.flapS ?? 2
  const topo = await Topology.create({ dir: o.dir, buffer: (dir) => fileBuffer(dir) })
  try {
    await topo.start()
    // The load covers a warm-up, the outage and the flapping, and goes on a little after.
    const warmS = Math.max(1, o.durationS * 0.1)
    const loadS = Math.max(o.durationS, warmS + downS + flaps * 2 * flapS + 2)
    const load = startLoad({ port: topo.forwarderPort, durationS: loadS, rate: o.rate })
    await sleep(warmS * 1000)
    await topo.receiver.kill()
    o.log(`  receiver down for ${downS} s`)
    await sleep(downS * 1000)
    await topo.receiver.start()
    for (let i = 0; i < flaps; i++) {
      await sleep(jitter(flapS * 1000, 0.3))
      await topo.receiver.kill()
      await sleep(jitter(flapS * 1000, 0.3))
      await topo.receiver.start()
    }
    o.log(`  receiver flapped ${flaps} times; stays up`)
    const run = await load.done
    const tally = await topo.settle(run.result, 30_000)
    return {
      id: '2-upstream-outage',
      title: `upstream down ${downS} s, then flapping`,
      tally,
      peakRss: { bench: run.peakRss, forwarder: topo.forwarder.peakRss, receiver: topo.receiver.peakRss },
      durationS: (Date.now() - started) / 1000,
      crashes: topo.crashes,
      bench: run.result,
      notes: [
        `receiver SIGKILLed, down ${downS} s, then ${flaps} flaps of ${flapS} s up / ${flapS} s down; the forwarder detached it ${topo.forwarder.count(/Detached forwarding server|Disabled forwarding server/)} times and recovered it ${topo.forwarder.count(/Recovered forwarding server/)} times`,
        `forwarder rollbacks (chunk sent, not acked): ${topo.forwarder.count(/Rolled back a chunk/)}; failed flushes (retry steps): ${topo.forwarder.count(/Failed to flush the buffer/)}`,
      ],
    }
  } finally {
    await topo.stop()
  }
}
