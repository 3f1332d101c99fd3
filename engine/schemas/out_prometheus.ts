/** @module out_prometheus (`<match> @type prometheus`, fluent-plugin-prometheus v2.2.2): updates `<metric>`s from each record; the records end there. */

import type { PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { labelsSection, metricSection } from './sections/prometheus.ts'

export const outPrometheusSchema = { params: [], sections: [metricSection, labelsSection] } as const satisfies PluginSchema

export const outPrometheusDescriptor: PluginDescriptor<'output'> = {
  name: 'prometheus',
  kind: 'output',
  description: 'Counts or measures records into Prometheus metrics (served by <source @type prometheus>); the records end here.',
  schema: outPrometheusSchema,
  // Not the edge: nothing serves the metrics there.
  runtimes: ['node', 'browser'],
}
