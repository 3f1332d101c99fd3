/**
 * @module Per-plugin counters and the Prometheus text exposition. Names follow
 * `sluice_<what>_<unit>_total` with `plugin_id`, `type` and `kind` labels (bounded: one series per
 * configured plugin). Outputs add buffer gauges through their `status()`.
 */

export interface PluginMetrics {
  readonly pluginId: string
  readonly type: string
  readonly kind: string
  /** Events and bytes that entered the plugin. */
  eventsIn: number
  bytesIn: number
  /** Events and bytes the plugin passed on or delivered. */
  eventsOut: number
  bytesOut: number
  /** Emit calls (Fluentd's emit_count). */
  emits: number
  /** Flushes attempted / succeeded (outputs). */
  writes: number
  retries: number
  /** Chunks given back to the queue after a failed or unacknowledged write. */
  rollbacks: number
  errors: number
  /** Events dropped on purpose (filters, overflow, invalid input). */
  dropped: number
}

export function createPluginMetrics(pluginId: string, type: string, kind: string): PluginMetrics {
  return {
    pluginId,
    type,
    kind,
    eventsIn: 0,
    bytesIn: 0,
    eventsOut: 0,
    bytesOut: 0,
    emits: 0,
    writes: 0,
    retries: 0,
    rollbacks: 0,
    errors: 0,
    dropped: 0,
  }
}

const COUNTERS: readonly [keyof PluginMetrics, string, string][] = [
  ['eventsIn', 'sluice_events_in_total', 'Events that entered the plugin.'],
  ['bytesIn', 'sluice_bytes_in_total', 'Bytes (msgpack) that entered the plugin.'],
  ['eventsOut', 'sluice_events_out_total', 'Events the plugin passed on or delivered.'],
  ['bytesOut', 'sluice_bytes_out_total', 'Bytes the plugin passed on or delivered.'],
  ['emits', 'sluice_emits_total', 'Emit calls.'],
  ['writes', 'sluice_writes_total', 'Buffer chunks written to the destination.'],
  ['retries', 'sluice_retries_total', 'Retried flushes.'],
  ['rollbacks', 'sluice_rollbacks_total', 'Chunks taken back after a failed or unacknowledged write.'],
  ['errors', 'sluice_errors_total', 'Errors.'],
  ['dropped', 'sluice_dropped_events_total', 'Events dropped (filtered out, overflow, invalid).'],
]

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/**
 * Prometheus text format for a set of plugins, plus gauges (name → [labels, value][]).
 * `extraLabels[i]` is added to the series of `plugins[i]` (e.g. `worker_id` when several worker
 * processes run the same plugins).
 */
export function prometheusText(
  plugins: readonly PluginMetrics[],
  gauges: Record<string, { help: string; series: [Record<string, string>, number][] }> = {},
  extraLabels: readonly Record<string, string>[] = [],
): string {
  const lines: string[] = []
  const extra = plugins.map((_, i) =>
    Object.entries(extraLabels[i] ?? {})
      .map(([k, v]) => `,${k}="${label(v)}"`)
      .join(''),
  )
  for (const [field, name, help] of COUNTERS) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`)
    plugins.forEach((m, i) => {
      lines.push(`${name}{plugin_id="${label(m.pluginId)}",type="${label(m.type)}",kind="${m.kind}"${extra[i]}} ${m[field] as number}`)
    })
  }
  for (const [name, { help, series }] of Object.entries(gauges)) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`)
    for (const [labels, value] of series) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${label(v)}"`)
        .join(',')
      lines.push(`${name}{${l}} ${value}`)
    }
  }
  return lines.join('\n') + '\n'
}
