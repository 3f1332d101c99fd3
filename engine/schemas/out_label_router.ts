/**
 * @module label_router (`@type label_router`, kube-logging/fluent-plugin-label-router 0.5.0): routes
 * records by their Kubernetes metadata (`$.kubernetes.labels`, `namespace_name`, `host`,
 * `container_name`, `$.kubernetes_namespace.labels`) to `<route>`s, each with a `@label` and/or a
 * new tag; unmatched records go to `default_route` / `default_tag` or are dropped.
 */

import type { ConfigOf, PluginSchema, SectionSpec } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'

const matchSection = {
  name: 'match',
  multi: true,
  description: 'A selector; the first that selects the record decides the route (excluding it with negate true).',
  schema: {
    params: [
      { name: 'labels', type: 'hash', default: {}, description: 'Pod labels that must all be present (app:nginx,env:dev).' },
      { name: 'namespaces', type: 'array', default: [], description: 'Namespaces, any of them (empty: any namespace).' },
      { name: 'namespaces_regex', type: 'array', default: [], description: 'Regular expressions, any of which matches the namespace.' },
      { name: 'namespace_labels', type: 'hash', default: {}, description: 'Namespace labels that must all be present.' },
      { name: 'hosts', type: 'array', default: [], description: 'Node names, any of them.' },
      { name: 'container_names', type: 'array', default: [], description: 'Container names, any of them.' },
      { name: 'negate', type: 'bool', default: false, description: 'Exclude what this selector selects.' },
    ],
  },
} as const satisfies SectionSpec

export const outLabelRouterSchema = {
  params: [
    {
      name: 'emit_mode',
      type: 'enum',
      values: ['batch', 'record'],
      default: 'batch',
      description: 'batch: one stream per route; record: each record alone.',
    },
    {
      name: 'sticky_tags',
      type: 'bool',
      default: true,
      description: 'Route later streams of a tag as its first routed records were, without reading them.',
    },
    { name: 'default_route', type: 'string', default: '', description: 'The label that gets records no route matches (empty: none).' },
    { name: 'default_tag', type: 'string', default: '', description: 'The tag of records no route matches (empty: keep the tag).' },
    {
      name: 'default_metrics_labels',
      type: 'hash',
      default: {},
      description: 'Extra labels of the default route in fluentd_router_records_total.',
    },
    { name: 'metrics', type: 'bool', default: false, description: 'Count routed records in fluentd_router_records_total{flow,id}.' },
  ],
  sections: [
    {
      name: 'route',
      multi: true,
      description: 'Where matching records go: @label and/or tag.',
      schema: {
        params: [
          { name: 'tag', type: 'string', default: '', description: 'The new tag (empty: keep the tag).' },
          { name: 'metrics_labels', type: 'hash', default: {}, description: 'Extra labels of this route in fluentd_router_records_total.' },
        ],
        sections: [matchSection],
      },
    },
  ],
} as const satisfies PluginSchema

export type OutLabelRouterConfig = ConfigOf<typeof outLabelRouterSchema>

export const outLabelRouterDescriptor: PluginDescriptor<'output'> = {
  name: 'label_router',
  kind: 'output',
  description: 'Routes records by Kubernetes labels, namespaces, hosts and containers to labels and tags.',
  schema: outLabelRouterSchema,
  runtimes: ['node', 'workers', 'browser'],
}
