/**
 * @module Scenario 7 — SIGKILL a relay under full load and count the duplicates. sluice bench at
 * full speed (no rate limit; 2 connections, batch `batch`, ack window `window`) → forwarder
 * (in_forward → file buffer → out_forward with acks) → receiver. The forwarder is killed `kills`
 * times at even, jittered intervals over the load and started again on the same port and buffer.
 * Nothing acknowledged may be lost; the duplicates must stay within what can be in flight at a
 * kill: the client's unacknowledged window (it resends it) plus the chunks out_forward had sent and
 * not yet seen acked (they are sent again after the restart). The scenario reports both and the
 * bound: `kills × (client window + out_forward's chunks in flight)`.
 */

import { startLoad } from '../harness/bench.ts'
import { fileBuffer } from '../harness/configs.ts'
import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { jitter, Stopper } from '../harness/timing.ts'
import { Topology } from '../harness/topology.ts'

export interface RelayKillOptions extends ScenarioOptions {
  /** SIGKILLs over the load (default 6). */
  kills?: number
  /** Events per message and unacknowledged messages per connection of the client (default 1000, 8). */
  batch?: number
  window?: number
}

const CONNS = 2
/** The forwarder's out_forward: chunks of at most this many events, and this many in flight. */
export const RELAY_CHUNK_RECORDS = 4000
export const RELAY_FLUSH_THREADS = 2

export async function relayKillScenario(o: RelayKillOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const kills = o.kills ?? 6
  const batch = o.batch ?? 1000
  const window = o.window ?? 8
  const topo = await Topology.create({
    dir: o.dir,
    buffer: (dir) =>
      fileBuffer(dir, `    chunk_limit_records ${RELAY_CHUNK_RECORDS}`).replace(
        /flush_thread_count \d+/,
        `flush_thread_count ${RELAY_FLUSH_THREADS}`,
      ),
  })
  try {
    await topo.start()
    const load = startLoad({ port: topo.forwarderPort, durationS: o.durationS, rate: null, conns: CONNS, batch, window })
    const stopper = new Stopper()
    let done = 0
    const killer = (async () => {
      const every = (o.durationS * 1000) / (kills + 1)
      while (done < kills) {
        await stopper.sleep(jitter(every, 0.3))
        if (stopper.stopped) return
        await topo.forwarder.kill()
        done++
        o.log(`  kill #${done} of the relay`)
        await topo.forwarder.start()
      }
    })()
    const run = await load.done
    stopper.stop()
    await killer
    const tally = await topo.settle(run.result, 30_000)
    const clientWindow = CONNS * window * batch
    const chunksInFlight = RELAY_FLUSH_THREADS * RELAY_CHUNK_RECORDS
    const bound = done * (clientWindow + chunksInFlight)
    return {
      id: '7-sigkill-relay-full-load',
      title: `SIGKILL the relay ${kills} times under full load`,
      tally,
      peakRss: { bench: run.peakRss, forwarder: topo.forwarder.peakRss, receiver: topo.receiver.peakRss },
      durationS: (Date.now() - started) / 1000,
      crashes: topo.crashes,
      bench: run.result,
      notes: [
        `${done} SIGKILLs of the relay; the client acked ${tally.acked.toLocaleString('en-US')} events in ${(run.result.elapsedMs / 1000).toFixed(1)} s, reconnected ${run.result.reconnects} times and resent ${run.result.resentEvents.toLocaleString('en-US')} unacknowledged events`,
        `duplicates ${tally.duplicated.toLocaleString('en-US')} (${((tally.duplicated / Math.max(1, tally.acked)) * 100).toFixed(2)} % of acked); in flight per kill at most ${clientWindow.toLocaleString('en-US')} (client window) + ${chunksInFlight.toLocaleString('en-US')} (out_forward chunks): bound ${bound.toLocaleString('en-US')}`,
        `relay resumed its buffer ${topo.forwarder.count(/Resumed \d+ staged and \d+ queued buffer chunks/)} times; rollbacks ${topo.forwarder.count(/Rolled back a chunk/)}`,
      ],
      duplicateBound: bound,
    }
  } finally {
    await topo.stop()
  }
}
