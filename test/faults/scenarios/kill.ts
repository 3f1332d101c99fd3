/**
 * @module Scenario 1 — SIGKILL the forwarder every few seconds under load. sluice bench (acks,
 * numbered events, reconnect) → forwarder (file buffer, `delivery durable`, out_forward with acks)
 * → receiver (out_file). The forwarder is killed with SIGKILL at jittered intervals and started
 * again on the same port and buffer directory: it must replay its staged and queued chunks, and
 * no event it acknowledged may be missing at the receiver. Duplicates are expected (chunks sent
 * but not yet acknowledged when the kill came are sent again).
 */

import { startLoad } from '../harness/bench.ts'
import { fileBuffer } from '../harness/configs.ts'
import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { jitter, Stopper } from '../harness/timing.ts'
import { Topology } from '../harness/topology.ts'

export interface KillOptions extends ScenarioOptions {
  /** Mean seconds between kills (default 3). */
  killEveryS?: number
}

export async function killScenario(o: KillOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const topo = await Topology.create({ dir: o.dir, buffer: (dir) => fileBuffer(dir) })
  try {
    await topo.start()
    const load = startLoad({ port: topo.forwarderPort, durationS: o.durationS, rate: o.rate })
    const stopper = new Stopper()
    let kills = 0
    const killer = (async () => {
      const every = (o.killEveryS ?? 3) * 1000
      for (;;) {
        await stopper.sleep(jitter(every))
        if (stopper.stopped) return
        await topo.forwarder.kill()
        kills++
        o.log(`  kill #${kills} of the forwarder`)
        await stopper.sleep(Math.random() * 300)
        await topo.forwarder.start()
      }
    })()
    const run = await load.done
    stopper.stop()
    await killer
    const tally = await topo.settle(run.result, 30_000)
    return {
      id: '1-sigkill-forwarder',
      title: 'SIGKILL the forwarder every few seconds under load',
      tally,
      peakRss: { bench: run.peakRss, forwarder: topo.forwarder.peakRss, receiver: topo.receiver.peakRss },
      durationS: (Date.now() - started) / 1000,
      crashes: topo.crashes,
      bench: run.result,
      notes: [
        `${kills} SIGKILLs of the forwarder; bench reconnected ${run.result.reconnects} times and resent ${run.result.resentEvents.toLocaleString('en-US')} unacknowledged events`,
        `forwarder resumed its buffer ${topo.forwarder.count(/Resumed \d+ staged and \d+ queued buffer chunks/)} times; broken/truncated chunk files moved aside: ${topo.forwarder.count(/Found a (broken|truncated) buffer chunk/)}`,
      ],
    }
  } finally {
    await topo.stop()
  }
}
