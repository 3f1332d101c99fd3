/**
 * @module Scenario 5 — a fuzzer beside a well-behaved client. While sluice bench sends numbered
 * events with acks through the forwarder, `workers` fuzzing loops write mutated Forward streams
 * to the same in_forward port over short-lived connections for the whole load time (60 s in the
 * full run). The forwarder must never exit, bad connections are closed one by one (one log line
 * each), and every event acknowledged to the bench must reach the receiver.
 */

import { startLoad } from '../harness/bench.ts'
import { fileBuffer } from '../harness/configs.ts'
import { runFuzzer } from '../harness/fuzz.ts'
import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { Topology } from '../harness/topology.ts'

export interface FuzzOptions extends ScenarioOptions {
  /** Parallel fuzzing connections (default 4). */
  workers?: number
  seed?: number
}

export async function fuzzScenario(o: FuzzOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const topo = await Topology.create({ dir: o.dir, buffer: (dir) => fileBuffer(dir) })
  try {
    await topo.start()
    const load = startLoad({ port: topo.forwarderPort, durationS: o.durationS, rate: o.rate })
    const seed = o.seed ?? 0x5eed
    const fuzz = await runFuzzer(topo.forwarderPort, Date.now() + o.durationS * 1000, o.workers ?? 4, seed)
    const run = await load.done
    const aliveAfterFuzz = topo.forwarder.running
    const tally = await topo.settle(run.result, 30_000)
    const errorLines = topo.forwarder.count(/\[error\]/)
    return {
      id: '5-fuzzer',
      title: 'mutated Forward streams beside a well-behaved client',
      tally,
      peakRss: { bench: run.peakRss, forwarder: topo.forwarder.peakRss, receiver: topo.receiver.peakRss },
      durationS: (Date.now() - started) / 1000,
      crashes: topo.crashes + (aliveAfterFuzz ? 0 : 1),
      bench: run.result,
      notes: [
        `${fuzz.connections.toLocaleString('en-US')} fuzz connections (${(fuzz.bytes / 1024 / 1024).toFixed(1)} MiB, seed ${seed}); ${fuzz.closedByServer.toLocaleString('en-US')} closed by the forwarder, ${fuzz.refused} refused; forwarder error lines: ${errorLines.toLocaleString('en-US')}; forwarder ${aliveAfterFuzz ? 'alive throughout' : 'DIED'}`,
      ],
    }
  } finally {
    await topo.stop()
  }
}
