/**
 * @module The processes of a fault scenario: a receiver sluice (in_forward → out_file, the
 * counting sink) and a forwarder sluice (in_forward → out_forward with acks) on ports chosen at
 * start and kept across restarts, in a scratch directory. `settle` waits until every event the
 * bench saw acknowledged is in the receiver's files (or nothing moves for a while), stops both
 * gracefully and returns the figures.
 */

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchResult } from '../../../node-server/cli/bench/run.ts'
import { readDelivered, tally, waitForDelivery, type Tally } from './count.ts'
import { forwarderConfig, receiverConfig } from './configs.ts'
import { SluiceNode } from './node.ts'
import { freePort } from './ports.ts'

export interface TopologyOptions {
  dir: string
  /** The forwarder's `<buffer>` body, given its buffer directory. */
  buffer: (bufferDir: string) => string
  /** Extra in_forward lines for the forwarder. */
  source?: string
  /** Where the forwarder sends (a proxy in front of the receiver); default the receiver. */
  upstreamPort?: number
  /** The forwarder's buffer directory (default `<dir>/forwarder-buffer`). */
  forwarderBufferDir?: string
}

export class Topology {
  readonly outDir: string

  private constructor(
    readonly receiver: SluiceNode,
    readonly forwarder: SluiceNode,
    readonly receiverPort: number,
    readonly forwarderPort: number,
    dir: string,
  ) {
    this.outDir = join(dir, 'out')
  }

  static async create(o: TopologyOptions): Promise<Topology> {
    const receiverPort = await freePort()
    const forwarderPort = await freePort()
    const outDir = join(o.dir, 'out')
    const receiverBuffer = join(o.dir, 'receiver-buffer')
    const forwarderBuffer = o.forwarderBufferDir ?? join(o.dir, 'forwarder-buffer')
    for (const d of [outDir, receiverBuffer, forwarderBuffer]) mkdirSync(d, { recursive: true })
    const receiver = new SluiceNode('receiver', join(o.dir, 'receiver.conf'), receiverConfig(receiverPort, outDir, receiverBuffer))
    const forwarder = new SluiceNode(
      'forwarder',
      join(o.dir, 'forwarder.conf'),
      forwarderConfig({
        port: forwarderPort,
        upstreamPort: o.upstreamPort ?? receiverPort,
        buffer: o.buffer(forwarderBuffer),
        source: o.source,
      }),
    )
    return new Topology(receiver, forwarder, receiverPort, forwarderPort, o.dir)
  }

  async start(): Promise<void> {
    await this.receiver.start()
    await this.forwarder.start()
  }

  /**
   * Both processes up, wait for every acknowledged event at the receiver (giving up after
   * `stallMs` without progress), stop both gracefully, count.
   */
  async settle(bench: BenchResult, stallMs: number): Promise<Tally> {
    await this.receiver.start()
    await this.forwarder.start()
    const seq = bench.seq!
    await waitForDelivery(this.outDir, seq.first, seq.next, seq.acked, stallMs)
    await this.stop()
    return tally(await readDelivered(this.outDir, seq.first, seq.next), seq.acked)
  }

  async stop(): Promise<void> {
    await this.forwarder.stop()
    await this.receiver.stop()
  }

  /** Unexpected exits of either process. */
  get crashes(): number {
    return this.receiver.crashes + this.forwarder.crashes
  }
}
