/**
 * @module out_prometheus (`<match> @type prometheus`, fluent-plugin-prometheus v2.2.2): updates its
 * `<metric>`s from every record (engine/prometheus/instrument.ts); the records end here.
 */

import type { EventStream } from '../../event-stream.ts'
import type { OutputPlugin, PluginSpec } from '../../plugin.ts'
import { createInstruments, type MetricConfig } from '../../prometheus/instrument.ts'
import { outPrometheusDescriptor } from '../../schemas/out_prometheus.ts'

export const outPrometheus: PluginSpec<'output', { metric: MetricConfig[]; labels?: Record<string, unknown> }> = {
  ...outPrometheusDescriptor,
  create(ctx, config): OutputPlugin {
    const instrument = createInstruments(ctx, config)
    const m = ctx.metrics
    return {
      emit(stream: EventStream): void {
        m.emits++
        m.eventsIn += stream.count
        m.bytesIn += stream.entries.length
        instrument(stream)
        m.eventsOut += stream.count
      },
    }
  },
}
