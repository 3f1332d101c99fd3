/**
 * @module prometheus_monitor and prometheus_output_monitor (`<source>`s of fluent-plugin-prometheus
 * v2.2.2): every `interval` they copy each plugin's monitor_agent numbers into gauges of the
 * agent's Prometheus registry (`fluentd_status_*` for all plugins; `fluentd_output_status_*` for
 * outputs), labelled plugin_id / plugin_category / type plus `<labels>`.
 */

import type { ConfigOf, PluginSchema, SectionSpec } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'

const labels = {
  name: 'labels',
  description: 'Extra labels: fixed values, ${hostname} or ${worker_id} (no record accessors).',
  schema: { params: [], additionalParams: true },
} as const satisfies SectionSpec

export const inPrometheusMonitorSchema = {
  params: [{ name: 'interval', type: 'time', default: 5, description: 'Seconds between updates.' }],
  sections: [labels],
} as const satisfies PluginSchema

export const inPrometheusOutputMonitorSchema = {
  params: [
    { name: 'interval', type: 'time', default: 5, description: 'Seconds between updates.' },
    {
      name: 'gauge_all',
      type: 'bool',
      default: true,
      description: 'Export the counts (retry, errors, emits, writes …) as gauges; false: as counters.',
    },
  ],
  sections: [labels],
} as const satisfies PluginSchema

export type InPrometheusMonitorConfig = ConfigOf<typeof inPrometheusMonitorSchema>
export type InPrometheusOutputMonitorConfig = ConfigOf<typeof inPrometheusOutputMonitorSchema>

export const inPrometheusMonitorDescriptor: PluginDescriptor<'input'> = {
  name: 'prometheus_monitor',
  kind: 'input',
  description: 'Exports every plugin’s buffer and retry numbers as fluentd_status_* gauges.',
  schema: inPrometheusMonitorSchema,
  runtimes: ['node'],
}

export const inPrometheusOutputMonitorDescriptor: PluginDescriptor<'input'> = {
  name: 'prometheus_output_monitor',
  kind: 'input',
  description: 'Exports each output’s buffer, retry, emit and write numbers as fluentd_output_status_* metrics.',
  schema: inPrometheusOutputMonitorSchema,
  runtimes: ['node'],
}
