/**
 * @module Plugins for tests of the daemon, loaded with `sluice -p` (so tests do not depend on the
 * outputs other engineers ship): `@type test_sink` appends `tag<TAB>count` per stream to a file,
 * or with `hold true` keeps the counts in memory and writes them only at shutdown (a memory buffer
 * with flush_at_shutdown); `shutdown_delay` makes that flush slow; `crash_tag` simulates a bug.
 */

import { appendFileSync } from 'node:fs'
import type { EventStream } from '../../../engine/event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../../engine/plugin.ts'

interface TestSinkConfig {
  path: string
  hold: boolean
  shutdown_delay: number
  password: string | null
  crash_tag: string | null
}

class TestSink implements OutputPlugin {
  private held: string[] = []

  constructor(
    private readonly config: TestSinkConfig,
    private readonly metrics: { eventsIn: number; emits: number; writes: number },
  ) {}

  emit(stream: EventStream): void {
    if (stream.tag === this.config.crash_tag) {
      // A bug that escapes the plugin: thrown outside any call the agent made.
      setTimeout(() => {
        throw new Error('test_sink bug')
      })
      return
    }
    this.metrics.eventsIn += stream.count
    this.metrics.emits++
    const line = `${stream.tag}\t${stream.count}\n`
    if (this.config.hold) this.held.push(line)
    else appendFileSync(this.config.path, line)
  }

  async shutdown(): Promise<void> {
    if (this.config.shutdown_delay > 0) await new Promise((r) => setTimeout(r, this.config.shutdown_delay * 1000))
    if (this.held.length > 0) appendFileSync(this.config.path, this.held.join(''))
    this.metrics.writes++
    this.held = []
  }

  status(): Record<string, unknown> {
    return { buffer_queue_length: this.held.length, buffer_total_queued_size: this.held.join('').length, retry_count: 0, retry: {} }
  }

  flushAll(): void {
    if (this.held.length > 0) appendFileSync(this.config.path, this.held.join(''))
    this.held = []
  }
}

export const testSink: PluginSpec<'output', TestSinkConfig> = {
  name: 'test_sink',
  kind: 'output',
  description: 'Test output: appends tag and count per stream to a file.',
  schema: {
    params: [
      { name: 'path', type: 'string', required: true, description: 'file to append to' },
      { name: 'hold', type: 'bool', default: false, description: 'write only at shutdown' },
      { name: 'shutdown_delay', type: 'time', default: 0, description: 'seconds the shutdown takes' },
      { name: 'password', type: 'string', default: null, secret: true, description: 'a secret, to test masking' },
      { name: 'crash_tag', type: 'string', default: null, description: 'a stream with this tag throws an uncaught exception' },
    ],
  },
  runtimes: ['node'],
  create(ctx, config) {
    return new TestSink(config, ctx.metrics)
  },
}

/**
 * `@type test_single`: an input that does nothing and, like Fluentd's in_tail, cannot run in
 * several workers (`multiWorkers: false`): with `<system> workers` > 1 it needs `<worker N>`.
 */
export const testSingle: PluginSpec<'input', Record<string, never>> = {
  name: 'test_single',
  kind: 'input',
  description: 'Test input that is not multi-worker ready.',
  schema: { params: [] },
  runtimes: ['node'],
  multiWorkers: false,
  create: () => ({}),
}
