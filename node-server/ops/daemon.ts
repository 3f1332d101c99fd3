/**
 * @module The running daemon: one agent at a time, its state for /healthz, and the three
 * operations signals trigger: stop (inputs first, outputs flush, bounded), reload (validate the
 * file again; on errors keep the running agent; on success swap agents while the listener pool
 * keeps every listening socket open) and flush (SIGUSR1: flush buffers, reopen the log file).
 *
 * Reload guarantee: no client sees a refused connection (listening sockets are handed from the old
 * agent to the new one; connections that arrive during the swap wait in the pool and are served by
 * the new agent). Connections open before the reload are closed by the old inputs when they stop;
 * clients reconnect. Events acknowledged before the reload are in the old agent's buffers, which
 * its stop flushes (memory buffers) or keeps on disk for the new agent (file buffers): the swap is
 * sequential (old agent fully stopped, then the new one started) so two agents never share a
 * buffer directory. The swap takes as long as the old agent's stop (bounded by the shutdown
 * timeout). If the new agent fails to start, the previous config is built and started again.
 */

import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { Agent, PluginEntry } from '../../engine/agent.ts'
import type { ConfigError } from '../../engine/config/errors.ts'
import type { Logger, LogLevel } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import { mainText } from '../config/snapshot.ts'
import type { LogFormat, LogSink } from '../log/sink.ts'
import type { ListenerPool } from './listener-pool.ts'
import { buildPrepared, describeSource, parseSource, type ConfigSource, type Prepared } from './prepare.ts'
import { startAgent } from './start-agent.ts'

export type DaemonState = 'idle' | 'starting' | 'running' | 'reloading' | 'stopping' | 'stopped'

/** The config was invalid: nothing started. */
export class ConfigFailure extends Error {
  constructor(
    readonly errors: readonly ConfigError[],
    readonly warnings: readonly ConfigError[],
  ) {
    super(`${errors.length} config error${errors.length === 1 ? '' : 's'}`)
    this.name = 'ConfigFailure'
  }
}

export interface DaemonOptions {
  source: ConfigSource
  registry: PluginRegistry
  sink: LogSink
  pool: ListenerPool
  /** `--log-level` / `--log-format`, which beat `<system>`. */
  levelOverride?: LogLevel
  formatOverride?: LogFormat
  shutdownTimeoutMs: number
  /** Appended to port-in-use messages. */
  listenHint?: string
  /** `--strict`: config warnings are errors, at start, on reload and for the designer's validate/apply. */
  strict?: boolean
  hostname?: string
  /** Fields of the `started` line (version, pid …). */
  startedFields?: Record<string, unknown>
  /** Called with each agent that started (the first one, and after each reload). */
  onAgentStarted?(agent: Agent): void
  /** Called when the daemon cannot go on (a reload's new and previous configs both failed to start). */
  onFatal?(reason: string): void
  /** This process is worker N of `<system> workers` (its config comes from the supervisor's snapshots). */
  workerId?: number
}

export class Daemon {
  state: DaemonState = 'idle'
  agent: Agent | null = null
  /** The prepared config of the running agent (kept to restart it if a reload fails to start). */
  current: Prepared | null = null
  generation = 0
  readonly startedAt = Date.now()
  reloads = { succeeded: 0, failed: 0 }
  /** Why the last reload did not take its config (null after one that did): for the designer's apply. */
  lastReloadFailure: string[] | null = null
  log: Logger
  private reloadQueued = false
  private reloading: Promise<boolean> | null = null
  private stopping: Promise<void> | null = null

  private configSource: ConfigSource

  constructor(private readonly options: DaemonOptions) {
    this.log = options.sink.logger(options.levelOverride ?? 'info')
    this.configSource = options.source
  }

  get source(): ConfigSource {
    return this.configSource
  }

  /** Whether config warnings are errors (`--strict`). */
  get strict(): boolean {
    return this.options.strict === true
  }

  /** Validates, builds and starts. Throws ConfigFailure or StartFailure. */
  async start(): Promise<void> {
    this.state = 'starting'
    const prepared = await this.prepare()
    this.warn(prepared)
    if (prepared.agent === null) {
      this.state = 'stopped'
      throw new ConfigFailure(prepared.errors, prepared.warnings)
    }
    this.apply(prepared)
    const generation = ++this.generation
    try {
      await startAgent({
        agent: prepared.agent,
        generation,
        locs: prepared.parsed.locs,
        pool: this.options.pool,
        log: this.log,
        listenHint: this.options.listenHint,
      })
    } catch (error) {
      this.state = 'stopped'
      this.options.pool.releaseParked()
      throw error
    }
    this.agent = prepared.agent
    this.current = prepared
    this.state = 'running'
    this.options.onAgentStarted?.(prepared.agent)
    this.log.info('started', {
      config: describeSource(this.source),
      plugins: prepared.agent.plugins.length,
      generation,
      ...this.options.startedFields,
    })
  }

  /**
   * Reloads the config file. Resolves true when the new config runs, false when it was rejected
   * (the old one keeps running). Reloads asked for during a reload run once after it.
   */
  reload(source?: ConfigSource): Promise<boolean> {
    if (source !== undefined) this.configSource = source
    if (this.state === 'stopping' || this.state === 'stopped') return Promise.resolve(false)
    if (this.state === 'starting' || this.state === 'idle') {
      this.log.warn('reload ignored: the agent is still starting')
      return Promise.resolve(false)
    }
    if (this.reloading) {
      this.reloadQueued = true
      return this.reloading
    }
    this.reloading = this.doReload().finally(() => {
      this.reloading = null
      if (this.reloadQueued && this.state === 'running') {
        this.reloadQueued = false
        void this.reload()
      }
    })
    return this.reloading
  }

  private async doReload(): Promise<boolean> {
    if (this.state !== 'running' || this.agent === null || this.current === null) return false
    this.state = 'reloading'
    this.log.info('reloading', { config: describeSource(this.source) })
    let prepared: Prepared
    try {
      prepared = await this.prepare()
    } catch (error) {
      return this.reloadFailed(`cannot read the config: ${String(error)}`)
    }
    this.warn(prepared)
    if (prepared.agent === null) {
      for (const e of prepared.errors) this.log.error(e.message)
      const failed = this.reloadFailed(`${prepared.errors.length} config error${prepared.errors.length === 1 ? '' : 's'}`)
      this.lastReloadFailure = prepared.errors.map((e) => e.message)
      return failed
    }
    const pool = this.options.pool
    const old = { agent: this.agent, prepared: this.current, generation: this.generation }
    pool.park(old.generation)
    await old.agent.stop(this.options.shutdownTimeoutMs)
    pool.forget(old.generation)
    this.agent = null
    const generation = ++this.generation
    try {
      await startAgent({ agent: prepared.agent, generation, locs: prepared.parsed.locs, pool, log: this.log })
    } catch (error) {
      this.log.error('the new config did not start; starting the previous config again', {
        error: error instanceof Error ? error.message : String(error),
      })
      this.lastReloadFailure = [`the new config did not start: ${error instanceof Error ? error.message : String(error)}`]
      const again = await this.buildAgain(old.prepared)
      const back = ++this.generation
      try {
        await startAgent({ agent: again.agent!, generation: back, locs: again.parsed.locs, pool, log: this.log })
      } catch (second) {
        const reason = second instanceof Error ? second.message : String(second)
        this.log.error('the previous config did not start again either; nothing runs', { error: reason })
        this.state = 'stopped'
        this.options.onFatal?.(reason)
        return false
      } finally {
        pool.releaseParked()
      }
      this.agent = again.agent
      this.current = again
      this.state = 'running'
      this.options.onAgentStarted?.(again.agent!)
      this.reloads.failed++
      return false
    }
    const closed = pool.releaseParked()
    this.lastReloadFailure = null
    this.apply(prepared)
    this.agent = prepared.agent
    this.current = prepared
    this.state = 'running'
    this.options.onAgentStarted?.(prepared.agent)
    this.reloads.succeeded++
    this.log.info('reloaded', {
      config: describeSource(this.source),
      plugins: prepared.agent.plugins.length,
      generation,
      ...(closed ? { listeners_closed: closed } : {}),
    })
    return true
  }

  private reloadFailed(reason: string): false {
    this.lastReloadFailure = [reason]
    this.state = 'running'
    this.reloads.failed++
    this.log.warn('reload failed; the running config is kept', { reason })
    return false
  }

  /** Stops the agent: inputs first, then outputs flush, within the shutdown timeout. */
  stop(reason = 'stop'): Promise<void> {
    this.stopping ??= (async () => {
      if (this.reloading) await this.reloading.catch(() => {})
      const agent = this.agent
      this.state = 'stopping'
      this.log.info('stopping', { reason, timeout_ms: this.options.shutdownTimeoutMs })
      const t0 = Date.now()
      if (agent) await agent.stop(this.options.shutdownTimeoutMs)
      this.options.pool.releaseParked()
      this.state = 'stopped'
      this.log.info('stopped', { elapsed_ms: Date.now() - t0 })
    })()
    return this.stopping
  }

  /** The config as written: the main file's text (includes not expanded), or the embedded text. */
  configText(): string {
    const source = this.source
    if (source.kind === 'file') return readFileSync(source.path, 'utf8')
    return source.kind === 'snapshot' ? mainText(source.snapshot) : source.text
  }

  /**
   * Replaces the config file with `text` and reloads (the designer's "apply"). The text is
   * validated first, as the file would be read (@include relative to it); on errors nothing is
   * written. The previous file is kept as `<file>.prev`; the new one is written to a temporary file
   * and renamed over the old, so a reader never sees half a config. When the reload does not take
   * it (say a port another process holds), the old config keeps running, its file is put back, and
   * the reasons come back.
   */
  async applyText(text: string): Promise<{ ok: boolean; errors: string[] }> {
    const source = this.source
    if (source.kind !== 'file') return { ok: false, errors: ['the embedded default config cannot be replaced: run sluice with -c FILE'] }
    const parsed = parseSource(
      { kind: 'text', text: source.inline ? `${text}\n${source.inline}\n` : text, name: source.path },
      { hostname: this.options.hostname },
    )
    const checked = await buildPrepared(parsed, {
      registry: this.options.registry,
      levelOverride: this.options.levelOverride,
      hostname: this.options.hostname,
      logger: () => this.options.sink.logger('fatal'),
      strict: this.options.strict,
    })
    for (const router of checked.agent?.routers.values() ?? []) router.free()
    if (checked.errors.length > 0) return { ok: false, errors: checked.errors.map((e) => e.message) }
    while (this.reloading) await this.reloading.catch(() => {})
    if (this.state !== 'running') return { ok: false, errors: [`the daemon is ${this.state}`] }
    if (existsSync(source.path)) copyFileSync(source.path, `${source.path}.prev`)
    const tmp = `${source.path}.sluice-apply-${process.pid}`
    writeFileSync(tmp, text)
    renameSync(tmp, source.path)
    this.log.info('config replaced through the API; reloading', { config: source.path, previous: `${source.path}.prev` })
    const ok = await this.reload()
    if (ok) return { ok, errors: [] }
    // The old config keeps running: put its file back so the file is what runs (and a later SIGHUP does not retry).
    const reasons = this.lastReloadFailure ?? ['the reload did not take the config; see the daemon log']
    if (existsSync(`${source.path}.prev`)) {
      copyFileSync(`${source.path}.prev`, source.path)
      this.log.warn('the applied config did not start; its file was put back to the running one', { config: source.path })
    }
    return { ok, errors: reasons }
  }

  /** SIGUSR1: flush every buffered output now (Fluentd's flush_buffers) and reopen the log file. */
  async flush(): Promise<void> {
    this.options.sink.reopen()
    const outputs = (this.agent?.plugins ?? []).filter((p) => p.kind === 'output' && typeof flushable(p) === 'function')
    this.log.info('flushing buffers', { outputs: outputs.length })
    await Promise.all(
      outputs.map(async (p) => {
        try {
          await flushable(p)!.call(p.plugin)
        } catch (error) {
          this.log.warn('flush failed', { plugin_id: p.id, error: String(error) })
        }
      }),
    )
  }

  private prepare(): Promise<Prepared> {
    const parsed = parseSource(this.source, { hostname: this.options.hostname, workerId: this.options.workerId })
    return buildPrepared(parsed, {
      registry: this.options.registry,
      levelOverride: this.options.levelOverride,
      hostname: this.options.hostname,
      logger: (level) => this.options.sink.logger(level),
      strict: this.options.strict,
      workerId: this.options.workerId,
    })
  }

  /** The previous config, built again from its parsed model (the file may have changed since). */
  private buildAgain(previous: Prepared): Promise<Prepared> {
    return buildPrepared(previous.parsed, {
      registry: this.options.registry,
      levelOverride: this.options.levelOverride,
      hostname: this.options.hostname,
      logger: (level) => this.options.sink.logger(level),
      strict: this.options.strict,
      workerId: this.options.workerId,
    })
  }

  /** `<system>` settings of the config now running: log level and format, process title. */
  private apply(prepared: Prepared): void {
    if (this.options.formatOverride === undefined) this.options.sink.format = prepared.system.logFormat ?? 'text'
    this.log = this.options.sink.logger(prepared.level)
    const name = prepared.system.processName
    // Fluentd's titles: `worker:NAME<id>` for each worker of several.
    if (name) process.title = this.options.workerId === undefined ? name : `worker:${name}${this.options.workerId}`
  }

  private warn(prepared: Pick<Prepared, 'warnings' | 'notes'>): void {
    for (const n of prepared.notes) this.log.info(n.message)
    for (const w of prepared.warnings) this.log.warn(w.message)
  }
}

function flushable(p: PluginEntry): (() => Promise<void> | void) | undefined {
  const f = (p.plugin as { flushAll?: () => Promise<void> | void }).flushAll
  return typeof f === 'function' ? f : undefined
}
