/**
 * @module in_http's config schema: the listener params (bind, port, keepalive_timeout, backlog)
 * plus the runtime-neutral ingest params shared with the edge (engine/ingest/schema.ts).
 */

import type { PluginDescriptor } from '../plugin.ts'
import type { PluginSchema } from '../config/schema.ts'
import { ingestParams, ingestParseSection, type IngestConfig } from '../ingest/schema.ts'

export const inHttpSchema = {
  params: [
    { name: 'bind', type: 'string', default: '0.0.0.0', description: 'The address to listen on.' },
    { name: 'port', type: 'integer', default: 9880, description: 'The TCP port to listen on (0: any free port).' },
    { name: 'keepalive_timeout', type: 'time', default: 10, description: 'Idle time after which a keep-alive connection is closed.' },
    { name: 'backlog', type: 'integer', default: null, description: 'The listen backlog (the OS default when unset).' },
    {
      name: 'blocking_timeout',
      type: 'time',
      default: 0.5,
      description: "Fluentd's event-loop tuning; accepted for compatibility, no effect in sluice.",
    },
    ...ingestParams,
  ],
  sections: [ingestParseSection],
  compat: { convert: ['parser'] },
} as const satisfies PluginSchema

export interface InHttpConfig extends IngestConfig {
  bind: string
  port: number
  keepalive_timeout: number
  backlog: number | null
  blocking_timeout: number
}

export const inHttpDescriptor: PluginDescriptor<'input'> = {
  name: 'http',
  kind: 'input',
  description:
    'Receives events over HTTP: POST /<tag> with JSON, NDJSON or msgpack bodies, or any body through a <parse> parser (Fluentd in_http).',
  schema: inHttpSchema,
  runtimes: ['node'],
}
