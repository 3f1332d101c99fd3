/**
 * @module A test-only output plugin (`@type capture`): keeps every event it receives, decoded, and
 * lets a test wait for a count (Fluentd's test driver `expect_records`, without fixed sleeps).
 * Each instance registers itself by plugin id in `captures` so a test can find it.
 */

import { decodeStream, type Event } from '../../engine/event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../engine/plugin.ts'

export interface CapturedEvent extends Event {
  tag: string
}

export class Capture implements OutputPlugin {
  readonly events: CapturedEvent[] = []
  private waiters: { n: number; resolve: () => void }[] = []
  /** When set, emit throws this error (to test emit failures). */
  failWith: Error | null = null

  constructor(private readonly decode: (stream: Parameters<OutputPlugin['emit']>[0]) => Event[]) {}

  emit(stream: Parameters<OutputPlugin['emit']>[0]): void {
    if (this.failWith) throw this.failWith
    for (const e of this.decode(stream)) this.events.push({ tag: stream.tag, ...e })
    this.waiters = this.waiters.filter((w) => {
      if (this.events.length < w.n) return true
      w.resolve()
      return false
    })
  }

  /** Resolves once at least `n` events arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs = 10_000): Promise<CapturedEvent[]> {
    if (this.events.length >= n) return Promise.resolve(this.events)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${n} events, got ${this.events.length} in ${timeoutMs} ms`)), timeoutMs)
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer)
          resolve(this.events)
        },
      })
    })
  }
}

export const captures = new Map<string, Capture>()

export const captureOutput: PluginSpec<'output'> = {
  name: 'capture',
  kind: 'output',
  description: 'Test output: keeps decoded events in memory.',
  schema: { params: [] },
  runtimes: ['node', 'workers', 'browser'],
  create(ctx) {
    const capture = new Capture((stream) => decodeStream(ctx.core, stream))
    captures.set(ctx.id, capture)
    return capture
  },
}
