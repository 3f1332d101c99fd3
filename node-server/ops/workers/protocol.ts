/**
 * @module The messages between the supervisor of `<system> workers N` and its worker processes
 * (Node's IPC channel, JSON; a listening socket travels as the handle of a `listen-result`).
 * Requests carry an `id` the answer repeats.
 */

import type { LogLevel } from '../../../engine/log.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import type { LogFormat } from '../../log/sink.ts'
import type { PluginsQuery } from '../api/plugins-json.ts'
import type { ConfigSource } from '../prepare.ts'

/** What every worker runs with (the supervisor's command line, less what only it does). */
export interface WorkerSettings {
  levelOverride?: LogLevel
  formatOverride?: LogFormat
  /** `-o PATH`: each worker appends to the same file. */
  logPath?: string
  shutdownTimeoutMs: number
  strict: boolean
  /** `-p` plugin modules. */
  plugins: string[]
  hostname?: string
}

/** A worker's config: a validated snapshot of the files, or the embedded text. */
export type WorkerSource = Extract<ConfigSource, { kind: 'snapshot' } | { kind: 'text' }>

export type ToWorker =
  | { t: 'init'; workerId: number; workers: number; source: WorkerSource; settings: WorkerSettings }
  | { t: 'reload'; id: number; source: WorkerSource }
  | { t: 'flush'; id: number }
  | { t: 'query'; id: number; what: 'plugins'; query: PluginsQuery }
  | { t: 'query'; id: number; what: 'metrics' }
  | { t: 'stop'; reason: string }
  | { t: 'listen-result'; id: number; error?: { code: string; message: string } }

export type FromWorker =
  | { t: 'started'; generation: number; keys: string[] }
  | { t: 'start-failed'; message: string }
  | { t: 'listen'; id: number; proto: 'tcp' | 'udp'; host: string; port: number; key: string }
  /** The shared socket of `key` could not listen (a port in use shows only then): drop it. */
  | { t: 'release'; key: string }
  | { t: 'reply'; id: number; ok: boolean; value?: unknown; error?: string }

/** A worker's numbers for GET /metrics. */
export interface WorkerMetrics {
  plugins: PluginMetrics[]
  /** Gauges from the outputs' status() (name → help and series). */
  gauges: Record<string, { help: string; series: [Record<string, string>, number][] }>
  /** The agent's Prometheus registry as text (fluent-plugin-prometheus metrics). */
  registry: string
  process: { rss: number; heapUsed: number; external: number; cpuSeconds: number; startedAt: number; generation: number; state: string }
}

/** Exit code of a worker whose config or start failed: the supervisor does not restart it at start. */
export const EXIT_START_FAILED = 2

/** The key of a shared socket: protocol, address and port; a `port 0` one also names the plugin (its site). */
export function socketKey(proto: 'tcp' | 'udp', host: string, port: number, site: string | undefined): string {
  return port === 0 ? `${proto}|${host}|0|${site ?? ''}` : `${proto}|${host}|${port}`
}
