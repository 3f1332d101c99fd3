/**
 * @module Scenario 4 — a full disk. The forwarder's file buffer lives on a small tmpfs (`size`,
 * default 8m) while the receiver is down: the buffer grows until writes fail with ENOSPC; each
 * failed append fails its emit (no ack; in_forward closes that connection) and the bench resends on
 * a new connection. The receiver comes back, the buffer drains, space frees, the resent events are
 * accepted. Where mounting is impossible (not root), the disk is simulated by total_limit_size with
 * overflow_action throw_exception, and the notes say so. Nothing acknowledged may be lost.
 */

import { join } from 'node:path'
import { startLoad } from '../harness/bench.ts'
import { fileBuffer } from '../harness/configs.ts'
import { mountSmallDisk } from '../harness/disk.ts'
import type { ScenarioOptions, ScenarioResult } from '../harness/result.ts'
import { sleep } from '../harness/timing.ts'
import { Topology } from '../harness/topology.ts'

export interface DiskFullOptions extends ScenarioOptions {
  /** tmpfs size (default 8m). */
  size?: string
}

export async function diskFullScenario(o: DiskFullOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const size = o.size ?? '8m'
  const mountPoint = join(o.dir, 'disk')
  const disk = await mountSmallDisk(mountPoint, size)
  const bufferDir = join(mountPoint, 'buffer')
  const buffer = disk.mounted
    ? (dir: string) => fileBuffer(dir)
    : (dir: string) =>
        fileBuffer(dir)
          .replace('total_limit_size 256m', `total_limit_size ${size}`)
          .replace('overflow_action block', 'overflow_action throw_exception')
  const topo = await Topology.create({ dir: o.dir, buffer, forwarderBufferDir: bufferDir })
  try {
    await topo.start()
    const load = startLoad({ port: topo.forwarderPort, durationS: o.durationS, rate: o.rate, ackTimeoutS: 30 })
    await sleep(o.durationS * 100)
    await topo.receiver.kill()
    const fullMark = disk.mounted ? /ENOSPC|no space left/i : /Buffer is full|buffer space has too many data/
    // The receiver stays down until the forwarder's disk is full (at most 60 % of the load time), then a little longer.
    const deadline = Date.now() + o.durationS * 600
    while (Date.now() < deadline && topo.forwarder.count(fullMark) === 0) await sleep(100)
    const filledAfter = (Date.now() - started) / 1000
    await sleep(Math.min(2_000, o.durationS * 100))
    await topo.receiver.start()
    o.log(`  buffer full after ${filledAfter.toFixed(1)} s; receiver back`)
    const run = await load.done
    const tally = await topo.settle(run.result, 60_000)
    const failures = topo.forwarder.count(/Emit failed and there is no @ERROR label/)
    return {
      id: '4-disk-full',
      title: disk.mounted
        ? `the forwarder's buffer on a full ${size} tmpfs`
        : `a full buffer (${size} total_limit_size: tmpfs not mountable)`,
      tally,
      peakRss: { bench: run.peakRss, forwarder: topo.forwarder.peakRss, receiver: topo.receiver.peakRss },
      durationS: (Date.now() - started) / 1000,
      crashes: topo.crashes,
      bench: run.result,
      notes: [
        disk.mounted
          ? `buffer on a ${size} tmpfs; first ENOSPC after ${filledAfter.toFixed(1)} s; ${failures} emits refused (no ack, connection closed), resent by the bench (${run.result.reconnects} reconnects)`
          : `tmpfs could not be mounted (${disk.reason}); simulated with total_limit_size ${size} + throw_exception: ${failures} emits refused`,
      ],
    }
  } finally {
    await topo.stop()
    await disk.unmount()
  }
}
