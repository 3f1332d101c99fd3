/**
 * @module The daemon's HTTP API as a Hono app (when asked for: --api or <system> http_server, on
 * 127.0.0.1:24220 by default, like Fluentd's monitor_agent): GET /api/plugins.json and
 * /api/plugins (monitor_agent), GET /api/config.json (process facts), GET /metrics
 * (Prometheus), GET /healthz (200 while running or reloading, 503 while starting or stopping),
 * and the route designer when the source provides it (ApiSource.designer: /ui/ and its endpoints,
 * which can change the daemon only through apply, with the token). Everything else is read-only.
 * With `<system> workers N` the supervisor serves it for every worker (`workers`, see workers.ts).
 */

import type { Hono } from 'hono'
import type { Agent } from '../../../engine/agent.ts'
import type { PluginRegistry } from '../../../engine/plugin.ts'
import { loadHono } from '../../net/hono.ts'
import { pluginsJson, pluginsLtsv } from './plugins-json.ts'
import { metricsText } from './prometheus.ts'
import { workersHealthy, workersLtsv, workersMetricsText, workersPlugins, type WorkersApi } from './workers.ts'

/** What the API reads; the daemon supplies it (the agent changes at each reload). */
export interface ApiSource {
  state(): string
  agent(): Agent | null
  registry: PluginRegistry
  /** Puts the route designer (/ui/, /api/config…) on an API app; absent: no designer on this daemon. */
  designer?(app: Hono): void
  info(): {
    version: string
    startedAt: number
    generation: number
    reloads: { succeeded: number; failed: number }
    configPath: string | null
    logPath: string | null
    pluginDirs: readonly string[]
  }
  /** Set by the supervisor of `<system> workers N`: the answers come from every worker. */
  workers?: WorkersApi
}

/** Fluentd reads `false`, `no` and `0` as off for its query flags. */
function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  return !['false', 'no', '0', 'off'].includes(value.toLowerCase())
}

const SERVING = new Set(['running', 'reloading'])

/**
 * @example
 * const app = await createApiApp(source)
 * await app.request('/healthz') // 200 {"status":"running", ...}
 */
export async function createApiApp(source: ApiSource): Promise<Hono> {
  const { Hono } = await loadHono()
  const app = new Hono()
  const entries = () => source.agent()?.plugins ?? []

  app.get('/api/plugins.json', async (c) => {
    const q = (name: string) => c.req.query(name)
    const query = {
      withConfig: flag(q('with_config'), true),
      withRetry: flag(q('with_retry'), true),
      id: q('@id') ?? q('id'),
      type: q('@type') ?? q('type'),
    }
    const body = source.workers ? await workersPlugins(source.workers, query) : pluginsJson(entries(), source.registry, query)
    return c.body(JSON.stringify(body, bigintSafe), 200, { 'content-type': 'application/json' })
  })

  app.get('/api/plugins', async (c) => c.text(source.workers ? await workersLtsv(source.workers) : pluginsLtsv(entries())))

  app.get('/api/config.json', (c) => {
    const info = source.info()
    return c.json({
      pid: process.pid,
      ppid: process.ppid,
      config_path: info.configPath,
      pid_file: null,
      plugin_dirs: info.pluginDirs,
      log_path: info.logPath,
      workers: source.workers?.views().length ?? 1,
      ...(source.workers ? { worker_pids: source.workers.views().map((w) => w.pid) } : {}),
      version: info.version,
      state: source.state(),
      generation: info.generation,
      reloads: info.reloads,
      started_at: new Date(info.startedAt).toISOString(),
    })
  })

  app.get('/metrics', async (c) => {
    const info = source.info()
    const process = { generation: info.generation, reloads: info.reloads, startedAt: info.startedAt, state: source.state() }
    const text = source.workers
      ? await workersMetricsText(source.workers, process)
      : metricsText(entries(), process, source.agent()?.prometheus.text() ?? '')
    return c.body(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
  })

  app.get('/healthz', (c) => {
    const state = source.state()
    const info = source.info()
    const body = { status: state, generation: info.generation, uptime_s: Math.round((Date.now() - info.startedAt) / 1000) }
    if (source.workers) {
      const views = source.workers.views()
      return c.json({ ...body, workers: views }, workersHealthy(state, views) ? 200 : 503)
    }
    return c.json(body, SERVING.has(state) ? 200 : 503)
  })

  source.designer?.(app)
  const paths = ['/api/plugins.json', '/api/plugins', '/api/config.json', '/metrics', '/healthz']
  if (source.designer) paths.push('/ui/', '/api/designer', '/api/config/validate', '/api/config/apply', '/api/config', '/api/tap')
  // Only what this app serves is listed: a path in the list never answers 404 itself.
  app.notFound((c) => c.json({ error: 'not found', paths }, 404))
  return app
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
