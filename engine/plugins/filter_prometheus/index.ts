/**
 * @module filter_prometheus (`<filter> @type prometheus`, fluent-plugin-prometheus v2.2.2): updates
 * its `<metric>`s from every record (engine/prometheus/instrument.ts) and passes the stream on
 * unchanged; a record whose value is not a number is also sent to @ERROR, as the plugin does.
 */

import type { EventStream } from '../../event-stream.ts'
import type { FilterPlugin, PluginSpec } from '../../plugin.ts'
import { createInstruments, type MetricConfig } from '../../prometheus/instrument.ts'
import { filterPrometheusDescriptor } from '../../schemas/filter_prometheus.ts'

export interface PrometheusPluginConfig {
  metric: MetricConfig[]
  labels?: Record<string, unknown>
}

export const filterPrometheus: PluginSpec<'filter', PrometheusPluginConfig> = {
  ...filterPrometheusDescriptor,
  create(ctx, config): FilterPlugin {
    const instrument = createInstruments(ctx, config)
    const m = ctx.metrics
    return {
      filter(stream: EventStream): EventStream {
        m.eventsIn += stream.count
        m.bytesIn += stream.entries.length
        instrument(stream)
        m.eventsOut += stream.count
        m.bytesOut += stream.entries.length
        return stream
      },
    }
  },
}
