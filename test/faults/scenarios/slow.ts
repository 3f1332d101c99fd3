/**
 * @module Scenario 3 — a slow upstream. sluice bench → forwarder (MEMORY buffer, total_limit_size
 * small, overflow_action block) → a throttling proxy (a third of the load's bandwidth) → receiver.
 * The forwarder's buffer fills, its emits block, in_forward pauses the bench's connections (TCP
 * backpressure; the bench's acks slow down) — and its memory stays bounded: the peak RSS is the
 * figure to read. Nothing acknowledged is lost.
 */

import { startLoad } from '../harness/bench.ts'
import { memoryBuffer } from '../harness/configs.ts'
import { freePort } from '../harness/ports.ts'
import { ThrottlingProxy } from '../harness/proxy.ts'
import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { Topology } from '../harness/topology.ts'

/** Wire bytes of one bench event (150-byte record, seq, EventTime entry, message overhead). */
const EVENT_WIRE_BYTES = 175

export interface SlowOptions extends ScenarioOptions {
  /** The forwarder's total_limit_size (default 4m). */
  totalLimit?: string
}

export async function slowScenario(o: SlowOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const bytesPerSecond = Math.round((o.rate * EVENT_WIRE_BYTES) / 3)
  // The forwarder sends to the proxy, the proxy to the receiver.
  const proxyPort = await freePort()
  const topo = await Topology.create({ dir: o.dir, buffer: () => memoryBuffer(o.totalLimit ?? '4m'), upstreamPort: proxyPort })
  const proxy = new ThrottlingProxy(topo.receiverPort, bytesPerSecond)
  try {
    await proxy.listen(proxyPort)
    await topo.start()
    const load = startLoad({ port: topo.forwarderPort, durationS: o.durationS, rate: o.rate, ackTimeoutS: 60 })
    const run = await load.done
    const tally = await topo.settle(run.result, 60_000)
    const achieved = run.result.ackedEvents! / (run.result.elapsedMs / 1000)
    return {
      id: '3-slow-upstream',
      title: 'a slow upstream (throttled to a third of the load)',
      tally,
      peakRss: { bench: run.peakRss, forwarder: topo.forwarder.peakRss, receiver: topo.receiver.peakRss },
      durationS: (Date.now() - started) / 1000,
      crashes: topo.crashes,
      bench: run.result,
      notes: [
        `upstream throttled to ${(bytesPerSecond / 1024).toFixed(0)} KiB/s; forwarder memory buffer total_limit_size ${o.totalLimit ?? '4m'}, overflow_action block`,
        `bench asked for ${o.rate.toLocaleString('en-US')} events/s and got ${Math.round(achieved).toLocaleString('en-US')} acknowledged/s (backpressure); blocked-emit warnings: ${topo.forwarder.count(/emits wait for space/)}`,
      ],
    }
  } finally {
    await topo.stop()
    await proxy.close()
  }
}
