/**
 * @module `GET /metrics`: the plugins' counters (engine/metrics.ts prometheusText), a gauge per
 * numeric field of each output's `status()` (`sluice_output_buffer_queue_length{plugin_id,type}`
 * …), the process: up, config generation, reloads, memory, CPU, start time; and the agent's
 * Prometheus registry (what the prometheus filter/output, label_router and the monitors record).
 */

import type { PluginEntry } from '../../../engine/agent.ts'
import { prometheusText } from '../../../engine/metrics.ts'
import { statusOf } from './plugins-json.ts'

/** status() fields already exported as counters by prometheusText. */
const COUNTED = new Set(['retry_count', 'emit_records', 'emit_count', 'emit_size', 'write_count', 'rollback_count'])

export interface ProcessInfo {
  generation: number
  reloads: { succeeded: number; failed: number }
  startedAt: number
  state: string
}

type Gauges = Parameters<typeof prometheusText>[1] & {}

/** Gauges from the outputs' status(): every finite number or boolean at the top level. */
export function bufferGauges(entries: readonly PluginEntry[]): Gauges {
  const gauges: Gauges = {}
  for (const entry of entries) {
    if (entry.kind !== 'output') continue
    for (const [key, value] of Object.entries(statusOf(entry))) {
      if (COUNTED.has(key)) continue
      const n = typeof value === 'boolean' ? Number(value) : value
      if (typeof n !== 'number' || !Number.isFinite(n)) continue
      const name = `sluice_output_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`
      const gauge = (gauges[name] ??= { help: `Output status field ${key}.`, series: [] })
      gauge.series.push([{ plugin_id: entry.id, type: entry.type }, n])
    }
  }
  return gauges
}

function processLines(info: ProcessInfo): string {
  const mem = process.memoryUsage()
  const cpu = process.cpuUsage()
  const lines = [
    '# HELP sluice_up 1 while the agent runs, 0 while it starts or stops.',
    '# TYPE sluice_up gauge',
    `sluice_up ${info.state === 'running' || info.state === 'reloading' ? 1 : 0}`,
    '# HELP sluice_config_generation Agents started so far (1 + reloads).',
    '# TYPE sluice_config_generation gauge',
    `sluice_config_generation ${info.generation}`,
    '# HELP sluice_reloads_total Reloads by result.',
    '# TYPE sluice_reloads_total counter',
    `sluice_reloads_total{result="succeeded"} ${info.reloads.succeeded}`,
    `sluice_reloads_total{result="failed"} ${info.reloads.failed}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${mem.rss}`,
    '# HELP nodejs_heap_used_bytes V8 heap in use.',
    '# TYPE nodejs_heap_used_bytes gauge',
    `nodejs_heap_used_bytes ${mem.heapUsed}`,
    '# HELP nodejs_external_memory_bytes Memory outside the V8 heap (buffers, the WebAssembly core).',
    '# TYPE nodejs_external_memory_bytes gauge',
    `nodejs_external_memory_bytes ${mem.external + mem.arrayBuffers}`,
    '# HELP process_cpu_seconds_total User and system CPU time.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    '# HELP process_start_time_seconds Start time since the epoch.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${Math.floor(info.startedAt / 1000)}`,
  ]
  return lines.join('\n') + '\n'
}

/** The whole exposition; `registry` is the agent's Prometheus registry (fluent-plugin-prometheus metrics). */
export function metricsText(entries: readonly PluginEntry[], info: ProcessInfo, registry = ''): string {
  return (
    prometheusText(
      entries.map((e) => e.metrics),
      bufferGauges(entries),
    ) +
    processLines(info) +
    registry
  )
}
