/**
 * @module The HTTP API of `<system> workers N`, served by the supervisor for all workers (each one
 * is asked over IPC at each request): `/api/plugins.json` lists every worker's plugins, each with a
 * `worker_id` (Fluentd's monitor_agent shape otherwise); `/metrics` labels every series of a
 * worker with `worker_id="N"` (the supervisor's own process series with `worker_id="supervisor"`)
 * and adds `sluice_worker_up` and `sluice_worker_restarts_total` per worker, then every worker's
 * Prometheus registry (fluent-plugin-prometheus metrics), its samples labelled `worker_id="N"`
 * unless the config already gives them a `worker_id` label; `/healthz` is 200
 * only while every worker runs. A worker that does not answer in time is left out of the lists
 * and reported down.
 */

import { prometheusText } from '../../../engine/metrics.ts'
import type { PluginMetrics } from '../../../engine/metrics.ts'
import { aggregateExpositions } from '../../../engine/prometheus/aggregate.ts'
import type { PluginsQuery } from './plugins-json.ts'
import type { WorkerMetrics } from '../workers/protocol.ts'

/** One worker as the API shows it. */
export interface WorkerView {
  worker_id: number
  pid: number | null
  state: string
  restarts: number
  last_exit: { code: number | null; signal: string | null; at: string } | null
}

/** What the API reads from the supervisor. */
export interface WorkersApi {
  views(): WorkerView[]
  plugins(query: PluginsQuery): Promise<(Record<string, unknown>[] | null)[]>
  metrics(): Promise<(WorkerMetrics | null)[]>
}

const SERVING = new Set(['running', 'reloading'])

/** Every worker's plugins, each with its `worker_id`, in worker order. */
export async function workersPlugins(api: WorkersApi, query: PluginsQuery): Promise<{ plugins: Record<string, unknown>[] }> {
  const lists = await api.plugins(query)
  return { plugins: lists.flatMap((list, id) => (list ?? []).map((p) => ({ ...p, worker_id: id }))) }
}

/** Fluentd's LTSV list with a `worker_id` column. */
export async function workersLtsv(api: WorkersApi): Promise<string> {
  const { plugins } = await workersPlugins(api, { withConfig: false, withRetry: false })
  return plugins
    .map((p) =>
      [
        `plugin_id:${p.plugin_id}`,
        `plugin_category:${p.plugin_category}`,
        `type:${p.type}`,
        `output_plugin:${p.output_plugin}`,
        `retry_count:${p.retry_count ?? ''}`,
        `worker_id:${p.worker_id}`,
      ].join('\t'),
    )
    .map((line) => `${line}\n`)
    .join('')
}

/** Whether every worker serves (and the supervisor runs). */
export function workersHealthy(state: string, views: readonly WorkerView[]): boolean {
  return SERVING.has(state) && views.every((w) => SERVING.has(w.state))
}

export interface SupervisorInfo {
  state: string
  generation: number
  reloads: { succeeded: number; failed: number }
  startedAt: number
}

/** The whole /metrics exposition for the workers and the supervisor. */
export async function workersMetricsText(api: WorkersApi, info: SupervisorInfo): Promise<string> {
  const results = await api.metrics()
  const views = api.views()
  const plugins: PluginMetrics[] = []
  const labels: Record<string, string>[] = []
  const gauges: WorkerMetrics['gauges'] = {}
  results.forEach((r, id) => {
    if (r === null) return
    for (const m of r.plugins) {
      plugins.push(m)
      labels.push({ worker_id: String(id) })
    }
    for (const [name, gauge] of Object.entries(r.gauges)) {
      const into = (gauges[name] ??= { help: gauge.help, series: [] })
      for (const [l, v] of gauge.series) into.series.push([{ ...l, worker_id: String(id) }, v])
    }
  })
  const lines: string[] = []
  const family = (name: string, type: 'gauge' | 'counter', help: string, series: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [l, v] of series) lines.push(`${name}${l} ${v}`)
  }
  const self = process.memoryUsage()
  const cpu = process.cpuUsage()
  const proc = (pick: (p: WorkerMetrics['process']) => number, own: number): [string, number][] => [
    ...results.flatMap((r, id): [string, number][] => (r === null ? [] : [[`{worker_id="${id}"}`, pick(r.process)]])),
    ['{worker_id="supervisor"}', own],
  ]
  family('sluice_up', 'gauge', '1 while the supervisor runs, 0 while it starts or stops.', [['', SERVING.has(info.state) ? 1 : 0]])
  family(
    'sluice_worker_up',
    'gauge',
    '1 while the worker runs its agent.',
    views.map((w) => [`{worker_id="${w.worker_id}"}`, SERVING.has(w.state) && results[w.worker_id] !== null ? 1 : 0]),
  )
  family(
    'sluice_worker_restarts_total',
    'counter',
    'Times the supervisor started the worker again after it exited.',
    views.map((w) => [`{worker_id="${w.worker_id}"}`, w.restarts]),
  )
  family('sluice_config_generation', 'gauge', 'Configs run so far (1 + reloads).', [['', info.generation]])
  family('sluice_reloads_total', 'counter', 'Reloads by result.', [
    ['{result="succeeded"}', info.reloads.succeeded],
    ['{result="failed"}', info.reloads.failed],
  ])
  family(
    'process_resident_memory_bytes',
    'gauge',
    'Resident memory size in bytes.',
    proc((p) => p.rss, self.rss),
  )
  family(
    'nodejs_heap_used_bytes',
    'gauge',
    'V8 heap in use.',
    proc((p) => p.heapUsed, self.heapUsed),
  )
  family(
    'nodejs_external_memory_bytes',
    'gauge',
    'Memory outside the V8 heap (buffers, the WebAssembly core).',
    proc((p) => p.external, self.external + self.arrayBuffers),
  )
  family(
    'process_cpu_seconds_total',
    'counter',
    'User and system CPU time.',
    proc((p) => p.cpuSeconds, (cpu.user + cpu.system) / 1e6),
  )
  family(
    'process_start_time_seconds',
    'gauge',
    'Start time since the epoch.',
    proc((p) => Math.floor(p.startedAt / 1000), Math.floor(info.startedAt / 1000)),
  )
  const registries = results.flatMap((r, id) => (r === null || r.registry === '' ? [] : [withWorkerId(r.registry, id)]))
  return prometheusText(plugins, gauges, labels) + lines.join('\n') + '\n' + (registries.length > 0 ? aggregateExpositions(registries) : '')
}

/** Adds `worker_id="N"` to every sample of a text exposition that has no `worker_id` label yet. */
export function withWorkerId(text: string, id: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line === '' || line.startsWith('#')) return line
      const brace = line.indexOf('{')
      const space = line.indexOf(' ')
      if (brace === -1 || (space !== -1 && space < brace)) return `${line.slice(0, space)}{worker_id="${id}"}${line.slice(space)}`
      if (/[{,]worker_id="/.test(line.slice(brace, line.lastIndexOf('}') + 1))) return line
      return `${line.slice(0, brace + 1)}worker_id="${id}"${line[brace + 1] === '}' ? '' : ','}${line.slice(brace + 1)}`
    })
    .join('\n')
}
