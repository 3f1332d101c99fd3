/**
 * @module in_prometheus (`<source @type prometheus>`, fluent-plugin-prometheus v2.2.2): an HTTP
 * server on `bind`:`port` + worker id answering GET `metrics_path` with the agent's Prometheus
 * registry (`text/plain; version=0.0.4`, `Content-Encoding` identity or gzip) and GET
 * `aggregated_metrics_path` with every worker's metrics merged — sluice runs one worker, so it is
 * the same samples through the plugin's aggregator. Anything else is a 404.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import type { InputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { aggregateExpositions } from '../../../engine/prometheus/aggregate.ts'
import { CONTENT_TYPE } from '../../../engine/prometheus/registry.ts'
import { inPrometheusDescriptor, type InPrometheusConfig } from '../../../engine/schemas/in_prometheus.ts'
import { listenOn } from '../listen.ts'

export interface PrometheusInput extends InputPlugin {
  address(): AddressInfo | null
}

export const inPrometheus: PluginSpec<'input', InPrometheusConfig> = {
  ...inPrometheusDescriptor,
  create(ctx, config): PrometheusInput {
    if (config.transport?.protocol === 'tls' || config.ssl?.enable) {
      throw new Error('TLS for <source @type prometheus> is not supported by sluice yet: serve plain HTTP and put a TLS proxy in front')
    }
    const registry = ctx.prometheus
    if (registry === undefined) throw new Error('this runtime has no Prometheus registry')
    const bind = config.bind.startsWith('[') && config.bind.endsWith(']') ? config.bind.slice(1, -1) : config.bind
    const port = config.port === 0 ? 0 : config.port + (ctx.workerId ?? 0)
    let server: Server | null = null

    const respond = (res: ServerResponse, body: string) => {
      const bytes = config.content_encoding === 'gzip' ? gzipSync(body) : Buffer.from(body)
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Encoding': config.content_encoding, 'Content-Length': bytes.length })
      res.end(bytes)
    }
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0]
      if (req.method === 'GET' && path === config.metrics_path) return respond(res, registry.text())
      if (req.method === 'GET' && path === config.aggregated_metrics_path) return respond(res, aggregateExpositions([registry.text()]))
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('Not Found\n')
    }

    return {
      async start() {
        server = createServer((req, res) => {
          try {
            handle(req, res)
          } catch (error) {
            res.writeHead(500, { 'Content-Type': 'text/plain' })
            res.end(String(error))
          }
        })
        await listenOn(server, { port, bind, backlog: null })
        ctx.log.debug(`listening prometheus http server on http://${bind.includes(':') ? `[${bind}]` : bind}:${port}${config.metrics_path}`)
      },
      async stop() {
        const s = server
        server = null
        if (s !== null) {
          s.closeAllConnections()
          await new Promise<void>((resolve) => s.close(() => resolve()))
        }
      },
      address: () => (server?.address() as AddressInfo | null) ?? null,
    }
  },
}
