/**
 * @module prometheus_monitor (fluent-plugin-prometheus v2.2.2): every `interval` seconds, for every
 * plugin of the agent, sets the gauges `fluentd_status_buffer_queue_length`,
 * `fluentd_status_buffer_total_bytes`, `fluentd_status_retry_count` and
 * `fluentd_status_buffer_newest_timekey` from its monitor_agent numbers (only those it has:
 * inputs have no buffer), labelled `<labels>` + plugin_id, plugin_category, type. sluice keeps no
 * list of timekeys, so `fluentd_status_buffer_oldest_timekey` is registered but has no samples.
 */

import { PluginRegistry, type InputPlugin, type PluginSpec } from '../../../engine/plugin.ts'
import { monitorLabels } from '../../../engine/prometheus/monitor-labels.ts'
import { inPrometheusMonitorDescriptor, type InPrometheusMonitorConfig } from '../../../engine/schemas/in_prometheus_monitor.ts'
import { pluginInfo } from '../../ops/api/plugins-json.ts'

const NO_SCHEMAS = new PluginRegistry()

export const inPrometheusMonitor: PluginSpec<'input', InPrometheusMonitorConfig> = {
  ...inPrometheusMonitorDescriptor,
  create(ctx, config): InputPlugin {
    const registry = ctx.prometheus
    if (registry === undefined || ctx.plugins === undefined) throw new Error('this runtime has no Prometheus registry')
    const base = monitorLabels(config.labels, 'prometheus_monitor', ctx.hostname, ctx.workerId ?? 0, ctx.log)
    let timer: ReturnType<typeof setInterval> | null = null
    return {
      start() {
        const newest = registry.gauge('fluentd_status_buffer_newest_timekey', 'Newest timekey in buffer.')
        registry.gauge('fluentd_status_buffer_oldest_timekey', 'Oldest timekey in buffer.')
        const gauges: [string, ReturnType<typeof registry.gauge>][] = [
          ['buffer_queue_length', registry.gauge('fluentd_status_buffer_queue_length', 'Current buffer queue length.')],
          ['buffer_total_queued_size', registry.gauge('fluentd_status_buffer_total_bytes', 'Current total size of queued buffers.')],
          ['retry_count', registry.gauge('fluentd_status_retry_count', 'Current retry counts.')],
        ]
        const update = () => {
          for (const entry of ctx.plugins!()) {
            const info = pluginInfo(entry, NO_SCHEMAS, { withConfig: false, withRetry: false })
            const labels = { ...base, plugin_id: entry.id, plugin_category: entry.kind, type: entry.type }
            for (const [field, gauge] of gauges) {
              const value = info[field]
              if (typeof value === 'number') gauge.set(value, labels)
            }
            if (typeof info.buffer_newest_timekey === 'number') newest.set(info.buffer_newest_timekey, labels)
          }
        }
        timer = setInterval(update, Math.max(0.01, config.interval) * 1000)
        timer.unref()
      },
      stop() {
        if (timer !== null) clearInterval(timer)
        timer = null
      },
    }
  },
}
