/**
 * @module kill -9 and a damaged buffer, with real sluice processes: the forwarder acks numbered
 * events into its file buffer (`delivery durable`) while its upstream is down, is SIGKILLed, and
 * three of its queued chunk files are damaged the way a crash or a bad disk does (a garbage
 * `.meta`, a data file cut in the middle of an entry, a data file overwritten with noise of the
 * same size). Each costs ONE log line: the first two at restart (moved to backup/worker0/<plugin_id>/corrupt/,
 * or cut back to its complete entries), the third when it is about to be sent (its `.meta` looked
 * fine: moved to backup/worker0/<plugin_id>/). The daemon starts anyway, and once the upstream is back every
 * acknowledged event arrives — except exactly those inside the damaged bytes, which are kept in
 * the backup directory, never silently dropped.
 */

import { readdirSync, readFileSync, truncateSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeMulti } from '@msgpack/msgpack'
import { afterEach, describe, expect, it } from 'vitest'
import { eventTimeCodec } from '../../engine/event-time.ts'
import { startLoad } from './harness/bench.ts'
import { fileBuffer } from './harness/configs.ts'
import { readDelivered, tally } from './harness/count.ts'
import { sleep } from './harness/timing.ts'
import { Topology } from './harness/topology.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** The seq numbers of the complete entries in chunk bytes. */
function seqsIn(bytes: Uint8Array): number[] {
  const out: number[] = []
  try {
    for (const entry of decodeMulti(bytes, { extensionCodec: eventTimeCodec })) {
      const seq = ((entry as unknown[])[1] as { seq?: number } | undefined)?.seq
      if (typeof seq === 'number') out.push(seq)
    }
  } catch {
    // A cut or broken tail ends the walk.
  }
  return out
}

describe('kill -9 with damaged chunk files', () => {
  it('moves each damaged chunk aside with one log line, starts anyway, delivers every other acked event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-crash-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const bufferDir = join(dir, 'fbuf')
    const topo = await Topology.create({
      dir,
      forwarderBufferDir: bufferDir,
      buffer: (d) => fileBuffer(d).replace('chunk_limit_size 1m', 'chunk_limit_size 16k'),
    })
    cleanups.push(() => topo.stop())
    // The upstream is down: everything acked stays in the forwarder's buffer.
    await topo.forwarder.start()
    const run = await startLoad({ port: topo.forwarderPort, durationS: 2, rate: 2000, ackTimeoutS: 20 }).done
    expect(run.result.errors).toEqual([])
    const acked = run.result.seq!.acked
    expect(acked).toEqual([[0, run.result.seq!.next]])
    await topo.forwarder.kill()

    const chunks = readdirSync(bufferDir)
      .filter((f) => /^buffer\.q[0-9a-f]{32}\.log$/.test(f))
      .sort()
    expect(chunks.length).toBeGreaterThanOrEqual(4)
    const [garbageMeta, cut, noise] = chunks
    const damaged = new Set<number>()
    // 1. A garbage .meta: the chunk cannot be trusted, its data is moved aside intact.
    writeFileSync(join(bufferDir, `${garbageMeta}.meta`), '{"version":1,"id":')
    for (const s of seqsIn(readFileSync(join(bufferDir, garbageMeta)))) damaged.add(s)
    // 2. Cut in the middle of an entry: the complete entries are kept, the last one is lost.
    const cutPath = join(bufferDir, cut)
    const before = seqsIn(readFileSync(cutPath))
    truncateSync(cutPath, statSync(cutPath).size - 20)
    const after = new Set(seqsIn(readFileSync(cutPath)))
    for (const s of before) if (!after.has(s)) damaged.add(s)
    // 3. Overwritten with noise of the same size: the .meta still matches, so it is caught before sending.
    const noisePath = join(bufferDir, noise)
    for (const s of seqsIn(readFileSync(noisePath))) damaged.add(s)
    writeFileSync(noisePath, Buffer.alloc(statSync(noisePath).size, 0xc1))

    const logBefore = topo.forwarder.log.length
    await topo.forwarder.start()
    const restartLog = topo.forwarder.log.slice(logBefore)
    expect(restartLog.split('\n').filter((l) => l.includes('Found a broken buffer chunk'))).toHaveLength(1)
    expect(restartLog.split('\n').filter((l) => l.includes('Found a truncated buffer chunk'))).toHaveLength(1)
    expect(topo.forwarder.running).toBe(true)

    await topo.receiver.start()
    const seq = run.result.seq!
    // Wait until everything but the damaged events arrived.
    const deadline = Date.now() + 30_000
    for (;;) {
      const t = tally(await readDelivered(topo.outDir, seq.first, seq.next), acked)
      if (t.lostAcked <= damaged.size || Date.now() > deadline) break
      await sleep(300)
    }
    await topo.stop()
    const delivered = await readDelivered(topo.outDir, seq.first, seq.next)
    const missing: number[] = []
    for (let s = seq.first; s < seq.next; s++) if (delivered.copies[s - seq.first] === 0) missing.push(s)
    expect(missing.filter((s) => !damaged.has(s))).toEqual([])
    expect(damaged.size).toBeGreaterThan(0)
    // Kept, not dropped: the damaged files are in the backup directory, each with one line.
    const corrupt = readdirSync(join(bufferDir, 'backup', 'worker0', 'out', 'corrupt'))
    expect(corrupt).toEqual(expect.arrayContaining([garbageMeta, `${garbageMeta}.meta`, cut]))
    const noiseId = noise.slice('buffer.q'.length, -'.log'.length)
    expect(readdirSync(join(bufferDir, 'backup', 'worker0', 'out'))).toContain(`${noiseId}.log`)
    const noiseLines = topo.forwarder.log.split('\n').filter((l) => l.includes(noiseId))
    expect(noiseLines).toHaveLength(1)
    expect(noiseLines[0]).toMatch(/Undeliverable chunk moved to .*not a valid entries stream/)
    expect(topo.crashes).toBe(0)
  }, 60_000)
})
