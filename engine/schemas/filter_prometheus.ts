/** @module filter_prometheus (`<filter> @type prometheus`, fluent-plugin-prometheus v2.2.2): updates `<metric>`s from each record and passes it on. */

import type { PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'
import { labelsSection, metricSection } from './sections/prometheus.ts'

export const filterPrometheusSchema = { params: [], sections: [metricSection, labelsSection] } as const satisfies PluginSchema

export const filterPrometheusDescriptor: PluginDescriptor<'filter'> = {
  name: 'prometheus',
  kind: 'filter',
  description: 'Counts or measures records into Prometheus metrics (served by <source @type prometheus>) and passes them on.',
  schema: filterPrometheusSchema,
  // Not the edge: nothing serves the metrics there.
  runtimes: ['node', 'browser'],
}
