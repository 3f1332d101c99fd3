/**
 * @module fluent-plugin-prometheus's sections as plain data: `<metric>` (name, type, desc, key,
 * buckets, initialized, `<labels>`, `<initlabels>`) and `<labels>` (any `name value` lines: a fixed
 * value, `${placeholder}`s, or a record_accessor `$.a.b`).
 */

import type { SectionSpec } from '../../config/schema.ts'

export const labelsSection = {
  name: 'labels',
  description: 'Labels of the metrics: name value lines (fixed text, ${tag} and other placeholders, or $.record.accessor).',
  schema: { params: [], additionalParams: true },
} as const satisfies SectionSpec

export const initlabelsSection = {
  name: 'initlabels',
  multi: true,
  description: 'With initialized true: values for the placeholder and accessor labels of a series created at start.',
  schema: { params: [], additionalParams: true },
} as const satisfies SectionSpec

export const metricSection = {
  name: 'metric',
  multi: true,
  description: 'A metric updated for each record.',
  schema: {
    params: [
      { name: 'name', type: 'string', required: true, description: 'The metric name.' },
      {
        name: 'type',
        type: 'enum',
        values: ['counter', 'gauge', 'summary', 'histogram'],
        required: true,
        description: 'counter, gauge, summary or histogram.',
      },
      { name: 'desc', type: 'string', required: true, description: 'The help text.' },
      {
        name: 'key',
        type: 'string',
        default: null,
        description: 'The record field with the value (a top-level key, or $.a.b); a counter without key counts records.',
      },
      { name: 'buckets', type: 'string', default: null, description: 'Histogram bucket bounds, comma separated (default .005 … 10).' },
      { name: 'initialized', type: 'bool', default: false, description: 'Create the series with zero values at start.' },
    ],
    sections: [labelsSection, initlabelsSection],
  },
} as const satisfies SectionSpec
