/**
 * @module `<source @type monitor_agent>`, so Fluentd configs that declare their monitoring
 * endpoint keep working: it serves sluice's API app (/api/plugins.json … /metrics, /healthz) on
 * its own `bind`/`port` (Fluentd's defaults 0.0.0.0:24220) — the route designer at /ui/ included
 * when the daemon has one — and, with `tag`, emits one event per
 * plugin every `emit_interval` like Fluentd's. The daemon registers what the API reads with
 * `setApiSource`; without a daemon (tests, tools) the API lists nothing and reports `running`.
 * The daemon's own API (cli/api-plan.ts) is off unless asked for, so this source alone opens the
 * port; asking for both needs two ports (both default to 24220). With `<system> workers N`, as in
 * Fluentd, each worker serves its own plugins on `port + worker id` (the supervisor's API shows all).
 */

import type { AddressInfo } from 'node:net'
import { EventTime } from '../../../engine/event-time.ts'
import { streamFromEvents } from '../../../engine/event-stream.ts'
import { PluginRegistry, type InputPlugin, type PluginContext, type PluginSpec } from '../../../engine/plugin.ts'
import { inMonitorAgentDescriptor, type MonitorAgentConfig } from '../../../engine/schemas/in_monitor_agent.ts'
import { createApiApp, type ApiSource } from './app.ts'
import { pluginInfo } from './plugins-json.ts'
import { designerUrl, listenApi, type ApiServer } from './server.ts'

let current: ApiSource | null = null

/** The daemon's state for monitor_agent sources (set once by `sluice run`). */
export function setApiSource(source: ApiSource | null): void {
  current = source
}

const STANDALONE: ApiSource = {
  state: () => 'running',
  agent: () => null,
  registry: new PluginRegistry(),
  info: () => ({
    version: 'unknown',
    startedAt: Date.now(),
    generation: 0,
    reloads: { succeeded: 0, failed: 0 },
    configPath: null,
    logPath: null,
    pluginDirs: [],
  }),
}

const source = (): ApiSource => current ?? STANDALONE

class MonitorAgent implements InputPlugin {
  private server: ApiServer | null = null
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(
    private readonly ctx: PluginContext,
    private readonly config: MonitorAgentConfig,
  ) {}

  async start(): Promise<void> {
    const api = source()
    // Reads through `source()` at each request: after a reload the daemon's agent is the new one.
    this.server = await listenApi(
      await createApiApp({
        state: () => source().state(),
        agent: () => source().agent(),
        registry: api.registry,
        info: () => source().info(),
        designer: api.designer,
      }),
      this.config.bind,
      // Fluentd's: each worker of `<system> workers N` serves its own plugins on port + worker id.
      this.config.port === 0 ? 0 : this.config.port + (this.ctx.worker?.id ?? 0),
    )
    const at = this.server.address
    if (api.designer) this.ctx.log.info(`route designer: ${designerUrl(at.address, at.port)}`)
    if (this.config.tag !== null) {
      this.timer = setInterval(() => this.emitInfo(), Math.max(1, this.config.emit_interval) * 1000)
      this.timer.unref()
    }
  }

  address(): AddressInfo | null {
    return this.server?.address ?? null
  }

  private emitInfo(): void {
    const api = source()
    const entries = api.agent()?.plugins ?? []
    const now = this.ctx.now()
    const time = new EventTime(Math.floor(now / 1000), (now % 1000) * 1e6)
    const query = { withConfig: this.config.include_config, withRetry: this.config.include_retry }
    const events = entries.map((e) => ({ time, record: pluginInfo(e, api.registry, query) }))
    if (events.length === 0) return
    try {
      const result = this.ctx.router.emit(streamFromEvents(this.config.tag!, events))
      if (result instanceof Promise) result.catch((error) => this.ctx.log.warn('monitor_agent emit failed', { error: String(error) }))
    } catch (error) {
      this.ctx.log.warn('monitor_agent emit failed', { error: String(error) })
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.server?.close()
    this.server = null
  }
}

export const monitorAgent: PluginSpec<'input', MonitorAgentConfig> = {
  ...inMonitorAgentDescriptor,
  create(ctx, config) {
    return new MonitorAgent(ctx, config)
  },
}
