/**
 * @module The start / reload / stop sequence of a sluice process, written once for both ways it
 * runs: the single-process Daemon (daemon.ts: one agent in this process) and the Supervisor of
 * `<system> workers N` (workers/supervisor.ts: N worker processes). Each supplies only what
 * differs — how a validated config starts running (`launch`), how the running one is swapped for
 * a new one and rolled back (`swap`), how it stops (`halt`) and flushes (`flushBuffers`) — and
 * this class keeps the order, the states (/healthz), the counters (/metrics) and the log lines:
 *
 * - start: `starting`; read and validate the config (its info lines and warnings logged); on any
 *   error `stopped` and ConfigFailure, nothing started; else the `<system>` settings are applied
 *   (log level and format, process title), `launch`, `running`, the `started` line.
 * - reload (SIGHUP, SIGUSR2, the designer's apply): ignored while starting, nothing while stopping;
 *   asked for during a reload, it runs once after it. `reloading`; read and validate; on a read
 *   error or any config error each is logged, then `reload failed; the running config is kept`,
 *   and nothing else changes; else `swap`, which ends with `reloaded` or a failure.
 * - stop (SIGTERM, SIGINT): once; waits for a reload in flight; `stopping`, `halt`, `stopped`.
 * - flush (SIGUSR1): the log file is reopened (logrotate), then the buffers flush.
 * - the designer's configText / applyText (validate, replace the file keeping `.prev`, reload).
 */

import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { SystemConfig } from '../../engine/check/system.ts'
import type { ConfigError } from '../../engine/config/errors.ts'
import type { Logger, LogLevel } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import { mainText } from '../config/snapshot.ts'
import type { LogFormat, LogSink } from '../log/sink.ts'
import { describeSource, type ConfigSource, type PrepareOptions } from './prepare.ts'

export type LifecycleState = 'idle' | 'starting' | 'running' | 'reloading' | 'stopping' | 'stopped'

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

export interface LifecycleOptions {
  source: ConfigSource
  registry: PluginRegistry
  sink: LogSink
  /** `--log-level` / `--log-format`, which beat `<system>`. */
  levelOverride?: LogLevel
  formatOverride?: LogFormat
  shutdownTimeoutMs: number
  /** `--strict`: config warnings are errors, at start, on reload and for the designer's validate/apply. */
  strict?: boolean
  hostname?: string
  /** Fields of the `started` line (version, pid …). */
  startedFields?: Record<string, unknown>
}

/** What a read and validated config has, whoever runs it. */
export interface Validated {
  system: SystemConfig
  /** Any error: nothing of it may start. */
  errors: ConfigError[]
  warnings: ConfigError[]
  notes: ConfigError[]
}

export abstract class Lifecycle<P extends Validated, O extends LifecycleOptions = LifecycleOptions> {
  state: LifecycleState = 'idle'
  generation = 0
  readonly startedAt = Date.now()
  reloads = { succeeded: 0, failed: 0 }
  /** Why the last reload did not take its config (null after one that did): for the designer's apply. */
  lastReloadFailure: string[] | null = null
  log: Logger
  /** The reload in flight. */
  protected reloading: Promise<boolean> | null = null
  private reloadQueued = false
  private stopping: Promise<void> | null = null
  protected configSource: ConfigSource

  /** `reload ignored: … still starting` names what starts: 'the agent is' / 'the workers are'. */
  protected abstract readonly startingWho: string
  /** The designer's apply, when not running: `… is stopping` names what: 'the daemon' / 'sluice'. */
  protected abstract readonly selfName: string

  constructor(protected readonly options: O) {
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

  /** Reads and validates the config (never throws for config problems; may for an unreadable one). */
  protected abstract prepare(): Promise<P>
  /** Starts a validated config; returns the fields of the `started` line that come before `generation`. Throws StartFailure. */
  protected abstract launch(prepared: P): Promise<Record<string, unknown>>
  /** Replaces the running config by a validated one: ends with `reloaded(…)`, `reloadFailed(…)` or a rollback of its own. */
  protected abstract swap(prepared: P): Promise<boolean>
  /** Stops what runs (the `stopping` / `stopped` lines are logged around it). */
  protected abstract halt(reason: string): Promise<void>
  /** Flushes every buffered output now. */
  protected abstract flushBuffers(): Promise<void>
  /** Validates config text as the file would be read (the designer's apply); its error messages. */
  protected abstract validateText(source: ConfigSource): Promise<string[]>
  /** The process title for `<system> process_name`. */
  protected abstract processTitle(name: string): string

  /** Fields the `reloading` and `stopping` lines add (the supervisor: how many workers). */
  protected processFields(): Record<string, unknown> {
    return {}
  }

  /** Validates, builds and starts. Throws ConfigFailure or StartFailure. */
  async start(): Promise<void> {
    this.state = 'starting'
    const prepared = await this.prepare()
    this.warn(prepared)
    if (prepared.errors.length > 0) {
      this.state = 'stopped'
      throw new ConfigFailure(prepared.errors, prepared.warnings)
    }
    this.apply(prepared)
    const fields = await this.launch(prepared)
    this.state = 'running'
    this.log.info('started', { config: describeSource(this.source), ...fields, generation: this.generation, ...this.options.startedFields })
  }

  /**
   * Reloads the config. Resolves true when the new config runs, false when it was rejected (the
   * old one keeps running). Reloads asked for during a reload run once after it.
   */
  reload(): Promise<boolean> {
    if (this.state === 'stopping' || this.state === 'stopped') return Promise.resolve(false)
    if (this.state === 'starting' || this.state === 'idle') {
      this.log.warn(`reload ignored: ${this.startingWho} still starting`)
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
    if (this.state !== 'running') return false
    this.state = 'reloading'
    this.log.info('reloading', { config: describeSource(this.source), ...this.processFields() })
    let prepared: P
    try {
      prepared = await this.prepare()
    } catch (error) {
      return this.reloadFailed(`cannot read the config: ${String(error)}`)
    }
    this.warn(prepared)
    if (prepared.errors.length > 0) {
      for (const e of prepared.errors) this.log.error(e.message)
      const failed = this.reloadFailed(`${prepared.errors.length} config error${prepared.errors.length === 1 ? '' : 's'}`)
      this.lastReloadFailure = prepared.errors.map((e) => e.message)
      return failed
    }
    return this.swap(prepared)
  }

  /** The end of a swap that took the new config: `fields` follow `config` on the `reloaded` line. */
  protected reloaded(fields: Record<string, unknown>): true {
    this.lastReloadFailure = null
    this.state = 'running'
    this.reloads.succeeded++
    this.log.info('reloaded', { config: describeSource(this.source), ...fields })
    return true
  }

  /** The end of a reload that kept the running config. */
  protected reloadFailed(reason: string): false {
    this.lastReloadFailure = [reason]
    this.state = 'running'
    this.reloads.failed++
    this.log.warn('reload failed; the running config is kept', { reason })
    return false
  }

  /** Stops gracefully (inputs first, then outputs flush), bounded by the shutdown timeout. */
  stop(reason = 'stop', announce = true): Promise<void> {
    this.stopping ??= (async () => {
      if (this.reloading) await this.reloading.catch(() => {})
      this.state = 'stopping'
      if (announce) this.log.info('stopping', { reason, timeout_ms: this.options.shutdownTimeoutMs, ...this.processFields() })
      const t0 = Date.now()
      await this.halt(reason)
      this.state = 'stopped'
      if (announce) this.log.info('stopped', { elapsed_ms: Date.now() - t0 })
    })()
    return this.stopping
  }

  /** SIGUSR1: reopen the log file (`-o PATH`, for logrotate), then flush every buffer now (Fluentd's flush_buffers). */
  async flush(): Promise<void> {
    this.options.sink.reopen()
    await this.flushBuffers()
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
   * it, `applyFailed` says why.
   */
  async applyText(text: string): Promise<{ ok: boolean; errors: string[] }> {
    const source = this.source
    if (source.kind !== 'file') return { ok: false, errors: ['the embedded default config cannot be replaced: run sluice with -c FILE'] }
    const errors = await this.validateText({ kind: 'text', text: source.inline ? `${text}\n${source.inline}\n` : text, name: source.path })
    if (errors.length > 0) return { ok: false, errors }
    while (this.reloading) await this.reloading.catch(() => {})
    if (this.state !== 'running') return { ok: false, errors: [`${this.selfName} is ${this.state}`] }
    if (existsSync(source.path)) copyFileSync(source.path, `${source.path}.prev`)
    const tmp = `${source.path}.sluice-apply-${process.pid}`
    writeFileSync(tmp, text)
    renameSync(tmp, source.path)
    this.log.info('config replaced through the API; reloading', { config: source.path, previous: `${source.path}.prev` })
    const ok = await this.reload()
    if (ok) return { ok, errors: [] }
    return { ok, errors: this.applyFailed(source.path) }
  }

  /**
   * The apply's reload did not take the config, so the old one keeps running: its file is put back
   * (so the file is what runs, and a later SIGHUP does not retry); the reasons.
   */
  private applyFailed(path: string): string[] {
    const reasons = this.lastReloadFailure ?? ['the reload did not take the config; see the daemon log']
    if (existsSync(`${path}.prev`)) {
      copyFileSync(`${path}.prev`, path)
      this.log.warn('the applied config did not start; its file was put back to the running one', { config: path })
    }
    return reasons
  }

  /** How prepare builds plugins (each subclass adds what is its own). */
  protected prepareOptions(): PrepareOptions {
    return {
      registry: this.options.registry,
      levelOverride: this.options.levelOverride,
      hostname: this.options.hostname,
      logger: (level) => this.options.sink.logger(level),
      strict: this.options.strict,
    }
  }

  /** `<system>` settings of the config now running: log format and level, process title. */
  protected apply(prepared: P): void {
    const { system } = prepared
    if (this.options.formatOverride === undefined) this.options.sink.format = system.logFormat ?? 'text'
    this.log = this.options.sink.logger(this.options.levelOverride ?? system.logLevel ?? 'info')
    if (system.processName) process.title = this.processTitle(system.processName)
  }

  private warn(prepared: Pick<P, 'warnings' | 'notes'>): void {
    for (const n of prepared.notes) this.log.info(n.message)
    for (const w of prepared.warnings) this.log.warn(w.message)
  }
}
