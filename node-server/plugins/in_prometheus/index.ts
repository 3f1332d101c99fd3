/**
 * @module in_prometheus (`<source @type prometheus>`, fluent-plugin-prometheus v2.2.2): an HTTP
 * server on `bind`:`port` + worker id answering GET `metrics_path` with the agent's Prometheus
 * registry (`text/plain; version=0.0.4`, `Content-Encoding` identity or gzip) and GET
 * `aggregated_metrics_path` with every worker's metrics merged by the plugin's aggregator: with
 * `<system> workers N` and a fixed port, each worker's `metrics_path` is fetched on `port + i`
 * (the plugin's way; a worker that does not answer is left out instead of failing the whole
 * answer); in one process, or on port 0, this worker's own samples. Anything else is a 404.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import type { InputPlugin, PluginSpec } from '../../../engine/plugin.ts'
import { aggregateExpositions } from '../../../engine/prometheus/aggregate.ts'
import { CONTENT_TYPE } from '../../../engine/prometheus/registry.ts'
import { inPrometheusDescriptor, type InPrometheusConfig } from '../../../engine/schemas/in_prometheus.ts'
import { nodeHttp } from '../../builtins.ts'
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
    const workers = ctx.worker?.count ?? 1
    /** Every worker's exposition (this one's from its registry), in worker order. */
    const allWorkers = async (): Promise<string[]> => {
      if (workers <= 1 || config.port === 0) return [registry.text()]
      const host = bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '[::1]' : bind.includes(':') ? `[${bind}]` : bind
      const self = ctx.worker?.id ?? 0
      return (
        await Promise.all(
          Array.from({ length: workers }, async (_, i) => {
            if (i === self) return registry.text()
            try {
              const answer = await fetch(`http://${host}:${config.port + i}${config.metrics_path}`, { signal: AbortSignal.timeout(5_000) })
              return answer.status === 200 ? await answer.text() : null
            } catch {
              return null
            }
          }),
        )
      ).filter((t): t is string => t !== null)
    }
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0]
      if (req.method === 'GET' && path === config.metrics_path) return respond(res, registry.text())
      if (req.method === 'GET' && path === config.aggregated_metrics_path) {
        void allWorkers().then(
          (texts) => respond(res, aggregateExpositions(texts)),
          (error: unknown) => {
            res.writeHead(500, { 'Content-Type': 'text/plain' })
            res.end(String(error))
          },
        )
        return
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('Not Found\n')
    }

    return {
      async start() {
        server = nodeHttp().createServer((req, res) => {
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
