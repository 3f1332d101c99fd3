/**
 * @module Test support for buffered outputs (used by the *.test.ts files of engine/output and the
 * plugins built on it): a plugin context with an in-memory log and a settable clock, a recording
 * ChunkWriter that can fail on demand, and `waitUntil` (poll a condition with a timeout: no
 * fixed sleeps).
 */

import type { Core } from '../../wasm/core.ts'
import { createLogger, type LogRecord } from '../log.ts'
import { createPluginMetrics } from '../metrics.ts'
import type { EmitTarget, PluginContext, PluginServices } from '../plugin.ts'
import type { Chunk, ChunkWriter } from './chunk.ts'

export interface TestContext {
  ctx: PluginContext
  logs: LogRecord[]
  /** Sets the clock (ms); `null` goes back to Date.now. */
  setNow(ms: number | null): void
}

export function testContext(
  core: Core,
  options: { id?: string; errorRouter?: EmitTarget | null; services?: PluginServices } = {},
): TestContext {
  const logs: LogRecord[] = []
  let fixed: number | null = null
  const now = () => fixed ?? Date.now()
  const id = options.id ?? 'test_output'
  const ctx: PluginContext = {
    core,
    id,
    log: createLogger((r) => logs.push(r), 'debug', { plugin_id: id }, now),
    metrics: createPluginMetrics(id, 'test', 'output'),
    router: { emit: () => undefined },
    label: () => {
      throw new Error('no labels in tests')
    },
    errorRouter: options.errorRouter ?? null,
    now,
    hostname: 'test-host',
    services: options.services,
    createParser: () => {
      throw new Error('no parsers in output tests')
    },
    createFormatter: () => {
      throw new Error('no formatters in output tests')
    },
  }
  return {
    ctx,
    logs,
    setNow: (ms) => {
      fixed = ms
    },
  }
}

/** A ChunkWriter that keeps every chunk it accepted; `failures` decides whether a call fails. */
export class RecordingWriter implements ChunkWriter {
  readonly chunks: Chunk[] = []
  calls = 0
  /** Return an error to fail the call (n counts calls from 1). */
  failures: (chunk: Chunk, n: number) => Error | null = () => null
  /** Set to hold writes until released. */
  gate: Promise<void> | null = null

  async write(chunk: Chunk): Promise<void> {
    const n = ++this.calls
    if (this.gate) await this.gate
    const error = this.failures(chunk, n)
    if (error) throw error
    this.chunks.push(chunk)
  }

  get events(): number {
    return this.chunks.reduce((n, c) => n + c.count, 0)
  }
}

/** Polls `condition` every few ms until it holds; rejects after `timeoutMs` with `what`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
