/**
 * @module prometheus_output_monitor (fluent-plugin-prometheus v2.2.2): every `interval` seconds, for
 * every output of the agent, copies its monitor_agent numbers into `fluentd_output_status_*`
 * metrics labelled `<labels>` + plugin_id, type: buffer_total_bytes, buffer_stage_length,
 * buffer_stage_byte_size, buffer_queue_length, buffer_queue_byte_size,
 * buffer_available_space_ratio, buffer_newest_timekey, rollback_count, retry_wait (gauges), and
 * retry_count, num_errors (both from the retry count, as the plugin does), emit_count,
 * emit_records, write_count (gauges, or counters with `gauge_all false`). sluice does not measure
 * flush time, slow flushes or the oldest timekey: those families are registered without samples.
 */

import { PluginRegistry, type InputPlugin, type PluginSpec } from '../../../engine/plugin.ts'
import { monitorLabels } from '../../../engine/prometheus/monitor-labels.ts'
import type { Metric } from '../../../engine/prometheus/registry.ts'
import { inPrometheusOutputMonitorDescriptor, type InPrometheusOutputMonitorConfig } from '../../../engine/schemas/in_prometheus_monitor.ts'
import { pluginInfo } from '../../ops/api/plugins-json.ts'

const NO_SCHEMAS = new PluginRegistry()

export const inPrometheusOutputMonitor: PluginSpec<'input', InPrometheusOutputMonitorConfig> = {
  ...inPrometheusOutputMonitorDescriptor,
  create(ctx, config): InputPlugin {
    const registry = ctx.prometheus
    if (registry === undefined || ctx.plugins === undefined) throw new Error('this runtime has no Prometheus registry')
    const base = monitorLabels(config.labels, 'prometheus_output_monitor', ctx.hostname, ctx.workerId ?? 0, ctx.log)
    let timer: ReturnType<typeof setInterval> | null = null
    return {
      start() {
        const gauge = (name: string, help: string) => registry.gauge(`fluentd_output_status_${name}`, help)
        const count = (name: string, help: string) =>
          config.gauge_all ? gauge(name, help) : registry.counter(`fluentd_output_status_${name}`, help)
        const m = {
          total: gauge('buffer_total_bytes', 'Current total size of stage and queue buffers.'),
          stageLength: gauge('buffer_stage_length', 'Current length of stage buffers.'),
          stageBytes: gauge('buffer_stage_byte_size', 'Current total size of stage buffers.'),
          queueLength: gauge('buffer_queue_length', 'Current length of queue buffers.'),
          queueBytes: gauge('buffer_queue_byte_size', 'Current total size of queue buffers.'),
          available: gauge('buffer_available_space_ratio', 'Ratio of available space in buffer.'),
          newest: gauge('buffer_newest_timekey', 'Newest timekey in buffer.'),
          retries: count('retry_count', 'Current retry counts.'),
          errors: count('num_errors', 'Current number of errors.'),
          emits: count('emit_count', 'Current emit counts.'),
          records: count('emit_records', 'Current emit records.'),
          writes: count('write_count', 'Current write counts.'),
          rollbacks: gauge('rollback_count', 'Current rollback counts.'),
          retryWait: gauge('retry_wait', 'Current retry wait'),
        }
        // Registered in the plugin's order; sluice has no values for these (see the module note).
        gauge('buffer_oldest_timekey', 'Oldest timekey in buffer.')
        count('flush_time_count', 'Total flush time.')
        count('slow_flush_count', 'Current slow flush counts.')
        const fields: [string, Metric[]][] = [
          ['buffer_total_queued_size', [m.total]],
          ['buffer_stage_length', [m.stageLength]],
          ['buffer_stage_byte_size', [m.stageBytes]],
          ['buffer_queue_length', [m.queueLength]],
          ['buffer_queue_byte_size', [m.queueBytes]],
          ['buffer_available_buffer_space_ratios', [m.available]],
          ['buffer_newest_timekey', [m.newest]],
          ['retry_count', [m.retries, m.errors]],
          ['write_count', [m.writes]],
          ['emit_count', [m.emits]],
          ['emit_records', [m.records]],
          ['rollback_count', [m.rollbacks]],
        ]
        const update = () => {
          for (const entry of ctx.plugins!()) {
            if (entry.kind !== 'output') continue
            const info = pluginInfo(entry, NO_SCHEMAS, { withConfig: false, withRetry: true })
            const labels = { ...base, plugin_id: entry.id, type: entry.type }
            for (const [field, metrics] of fields) {
              const value = info[field]
              if (typeof value !== 'number') continue
              for (const metric of metrics) {
                if (metric.type === 'gauge') metric.set(value, labels)
                else metric.increment(Math.max(0, value - metric.get(labels)), labels)
              }
            }
            const retry = info.retry as { start?: string; next_time?: string } | undefined
            if (retry !== undefined) {
              const start = retry.start ? Date.parse(retry.start) : Number.NaN
              const next = retry.next_time ? Date.parse(retry.next_time) : Number.NaN
              m.retryWait.set(Number.isFinite(start) && Number.isFinite(next) ? (next - start) / 1000 : 0, labels)
            }
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
