/**
 * @module in_prometheus (`<source @type prometheus>`, fluent-plugin-prometheus v2.2.2): serves the
 * agent's Prometheus registry over HTTP on `bind`:`port` (+ the worker id) at `metrics_path` and
 * `aggregated_metrics_path`.
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const inPrometheusSchema = {
  params: [
    { name: 'bind', type: 'string', default: '0.0.0.0', description: 'The address to listen on.' },
    { name: 'port', type: 'integer', default: 24231, description: 'The port (each worker listens on port + its worker id).' },
    { name: 'metrics_path', type: 'string', default: '/metrics', description: 'The path of the metrics.' },
    {
      name: 'aggregated_metrics_path',
      type: 'string',
      default: '/aggregated_metrics',
      description: "The path of every worker's metrics merged.",
    },
    {
      name: 'content_encoding',
      type: 'enum',
      values: ['identity', 'gzip'],
      default: 'identity',
      description: 'Send the exposition gzip-compressed, or as it is.',
    },
  ],
  sections: [
    {
      name: 'transport',
      description: 'The transport: tcp (TLS is not supported by sluice yet: a config error).',
      schema: {
        params: [],
        additionalParams: true,
        argument: { name: 'protocol', type: 'enum', values: ['tcp', 'tls'], default: 'tcp', description: 'tcp or tls.' },
      },
    },
    {
      name: 'ssl',
      description: 'Deprecated TLS settings (enable true is not supported by sluice yet).',
      schema: {
        params: [
          { name: 'enable', type: 'bool', default: false, description: 'Serve HTTPS (not supported yet).' },
          { name: 'certificate_path', type: 'string', default: null, description: 'Certificate (PEM).' },
          { name: 'private_key_path', type: 'string', default: null, description: 'Private key (PEM).' },
          { name: 'ca_path', type: 'string', default: null, description: 'CA (PEM).' },
          { name: 'extra_conf', type: 'hash', default: null, description: 'Extra WEBrick settings.' },
        ],
      },
    },
  ],
} as const satisfies PluginSchema

export type InPrometheusConfig = ConfigOf<typeof inPrometheusSchema>

export const inPrometheusDescriptor: PluginDescriptor<'input'> = {
  name: 'prometheus',
  kind: 'input',
  description: 'Serves the Prometheus metrics of the prometheus filter/output and monitors at /metrics.',
  schema: inPrometheusSchema,
  runtimes: ['node'],
}
