/**
 * @module in_monitor_agent's schema (`<source @type monitor_agent>`): where sluice's monitoring API
 * listens, and the optional periodic emit of plugin metrics. The daemon's API serves it
 * (node-server/ops/api/monitor-agent.ts).
 */

import type { ConfigOf, PluginSchema } from '../config/schema.ts'
import type { PluginDescriptor } from '../plugin.ts'

export const monitorAgentSchema = {
  params: [
    { name: 'bind', type: 'string', default: '0.0.0.0', description: 'Address to listen on.' },
    { name: 'port', type: 'integer', default: 24220, description: 'HTTP port.' },
    {
      name: 'tag',
      type: 'string',
      default: null,
      description: 'When set, emit one event per plugin under this tag every emit_interval.',
    },
    { name: 'emit_interval', type: 'time', default: 60, description: 'Seconds between emits (with tag).' },
    { name: 'include_config', type: 'bool', default: true, description: "Include each plugin's config in the emitted events." },
    { name: 'include_retry', type: 'bool', default: true, description: 'Include the retry state in the emitted events.' },
  ],
} as const satisfies PluginSchema

export type MonitorAgentConfig = ConfigOf<typeof monitorAgentSchema>

export const inMonitorAgentDescriptor: PluginDescriptor<'input'> = {
  name: 'monitor_agent',
  kind: 'input',
  description:
    'Serves the monitoring API (Fluentd monitor_agent: /api/plugins.json; also /metrics and /healthz); with tag, emits plugin metrics as events.',
  schema: monitorAgentSchema,
  runtimes: ['node'],
}
