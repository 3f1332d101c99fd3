/**
 * @module The supervisor of `<system> workers N` (N > 1): the process `sluice run` becomes, as
 * Fluentd's supervisor is. It validates the config for every worker id once (prepareWorkers),
 * forks N worker processes (`sluice __worker`, child_process.fork with an IPC channel) that each
 * run the full agent of their worker id from that validated snapshot, owns every listening
 * socket they share (socket-manager.ts), serves the HTTP API for all of them (api/workers.ts), and
 * turns signals into work for every worker:
 *
 * - reload (SIGHUP, SIGUSR2, the designer's apply): the file is read and validated once here; on
 *   any error nothing changes anywhere. Then every running worker swaps its agent to the new
 *   snapshot; if one of them cannot start it (a plugin's start fails), the workers that took it
 *   go back to the previous snapshot, so all workers run the same config.
 * - stop (SIGTERM, SIGINT): every worker stops gracefully (inputs first, buffers flush) within the
 *   shutdown timeout; one that is still running 5 s after that is killed.
 * - flush (SIGUSR1): every worker flushes its buffers (and reopens the log file).
 *
 * A worker that exits on its own (a crash, SIGKILL, an uncaught exception) is started again with
 * the running config after a backoff (1 s, doubling up to 60 s while it keeps dying within a
 * minute of its start), and the exit is logged with its code or signal. Its listening sockets stay
 * open here meanwhile, its file buffers are resumed by the new process.
 */

import { fork, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { Logger, LogLevel } from '../../../engine/log.ts'
import type { PluginRegistry } from '../../../engine/plugin.ts'
import { mainText } from '../../config/snapshot.ts'
import type { LogFormat, LogSink } from '../../log/sink.ts'
import { repoPath } from '../../paths.ts'
import type { PluginsQuery } from '../api/plugins-json.ts'
import type { WorkersApi, WorkerView } from '../api/workers.ts'
import { ConfigFailure } from '../daemon.ts'
import { describeSource, prepareWorkers, release, type ConfigSource, type PreparedWorkers } from '../prepare.ts'
import { StartFailure } from '../start-agent.ts'
import type { SystemConfig } from '../../../engine/check/system.ts'
import { BindError, SocketManager } from './socket-manager.ts'
import type { FromWorker, ToWorker, WorkerMetrics, WorkerSettings, WorkerSource } from './protocol.ts'

export type SupervisorState = 'idle' | 'starting' | 'running' | 'reloading' | 'stopping' | 'stopped'

/** A worker's state as /healthz and /api/config.json show it. */
export type WorkerState = 'starting' | 'running' | 'reloading' | 'stopping' | 'stopped' | 'restarting'

export interface SupervisorOptions {
  source: ConfigSource
  registry: PluginRegistry
  sink: LogSink
  levelOverride?: LogLevel
  formatOverride?: LogFormat
  shutdownTimeoutMs: number
  strict?: boolean
  hostname?: string
  /** What each worker runs with (log destination, `-p` modules …). */
  settings: WorkerSettings
  /** Fields of the `started` line. */
  startedFields?: Record<string, unknown>
}

/** Restart delays: the first one, and the ceiling of the doubling. */
export const RESTART_DELAY_MS = 1_000
export const RESTART_DELAY_MAX_MS = 60_000
/** A worker that ran this long before dying starts again after the first delay. */
const STABLE_AFTER_MS = 60_000
/** After the shutdown timeout, how long a worker may still take before it is killed. */
const KILL_GRACE_MS = 5_000
/** How long the API waits for a worker's answer. */
const QUERY_TIMEOUT_MS = 5_000

/** The executable a worker runs (the same `sluice` this process is). */
const SLUICE_BIN = repoPath('node-server', 'bin', 'sluice.mjs')

type Reply = Extract<FromWorker, { t: 'reply' }>

class WorkerProcess {
  child: ChildProcess | null = null
  state: WorkerState = 'starting'
  /** Times the supervisor started it again after an exit. */
  restarts = 0
  /** Exits in a row within a minute of the start (sets the backoff). */
  failures = 0
  startedAt = 0
  lastExit: { code: number | null; signal: string | null; at: number } | null = null
  /** The shared sockets its agent listens on. */
  keys: string[] = []
  /** The last start failure it reported (before exiting). */
  startError: string | null = null
  restartTimer: NodeJS.Timeout | null = null
  readonly requests = new Map<number, (reply: Reply | null) => void>()
  exited: Promise<void> = Promise.resolve()
  /** Settled by the first `started` (or the exit) of the current process. */
  ready: { resolve(): void; reject(error: Error): void } | null = null

  constructor(readonly id: number) {}

  get pid(): number | null {
    return this.child?.pid ?? null
  }
}

export class Supervisor {
  state: SupervisorState = 'idle'
  generation = 0
  readonly startedAt = Date.now()
  reloads = { succeeded: 0, failed: 0 }
  log: Logger
  /** The `<system>` of the running config. */
  system: SystemConfig | null = null
  workers: WorkerProcess[] = []
  readonly sockets = new SocketManager()
  private current: WorkerSource | null = null
  private nextRequest = 1
  private reloading: Promise<boolean> | null = null
  private reloadQueued = false
  private stopping: Promise<void> | null = null

  constructor(private readonly options: SupervisorOptions) {
    this.log = options.sink.logger(options.levelOverride ?? 'info')
  }

  get source(): ConfigSource {
    return this.options.source
  }

  get strict(): boolean {
    return this.options.strict === true
  }

  /** Validates for every worker, forks them and waits until each runs. Throws ConfigFailure or StartFailure. */
  async start(): Promise<void> {
    this.state = 'starting'
    const prepared = await this.prepare()
    this.warn(prepared)
    if (prepared.errors.length > 0) {
      this.state = 'stopped'
      throw new ConfigFailure(prepared.errors, prepared.warnings)
    }
    release(prepared.perWorker)
    this.apply(prepared)
    this.current = this.workerSource(prepared)
    this.generation = 1
    this.workers = Array.from({ length: prepared.workers }, (_, id) => new WorkerProcess(id))
    try {
      await Promise.all(this.workers.map((w) => this.spawn(w)))
    } catch (error) {
      await this.stop('start failed', false)
      throw error instanceof StartFailure ? error : new StartFailure(String(error))
    }
    this.state = 'running'
    this.log.info('started', {
      config: describeSource(this.options.source),
      workers: this.workers.length,
      pids: this.workers.map((w) => w.pid).join(','),
      generation: this.generation,
      ...this.options.startedFields,
    })
  }

  /** Reloads every worker (see the module comment). Resolves true when all run the new config. */
  reload(): Promise<boolean> {
    if (this.state === 'stopping' || this.state === 'stopped') return Promise.resolve(false)
    if (this.state === 'starting' || this.state === 'idle') {
      this.log.warn('reload ignored: the workers are still starting')
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
    this.state = 'reloading'
    this.log.info('reloading', { config: describeSource(this.options.source), workers: this.workers.length })
    let prepared: PreparedWorkers
    try {
      prepared = await this.prepare()
    } catch (error) {
      return this.reloadFailed(`cannot read the config: ${String(error)}`)
    }
    this.warn(prepared)
    if (prepared.errors.length > 0) {
      for (const e of prepared.errors) this.log.error(e.message)
      return this.reloadFailed(`${prepared.errors.length} config error${prepared.errors.length === 1 ? '' : 's'}`)
    }
    release(prepared.perWorker)
    if (prepared.workers !== this.workers.length) {
      return this.reloadFailed(
        `<system> workers changed from ${this.workers.length} to ${prepared.workers}: restart sluice to change the number of workers`,
      )
    }
    const previous = this.current!
    const next = this.workerSource(prepared)
    const live = this.workers.filter((w) => w.state === 'running')
    const results = await Promise.all(live.map((w) => this.reloadWorker(w, next)))
    const failed = live.filter((_, i) => !results[i].ok)
    if (failed.length > 0) {
      const took = live.filter((_, i) => results[i].ok)
      for (const w of failed)
        this.log.error('a worker did not take the new config', { worker: w.id, reason: results[live.indexOf(w)].reason })
      await Promise.all(took.map((w) => this.reloadWorker(w, previous)))
      return this.reloadFailed(
        `worker ${failed.map((w) => w.id).join(', ')} could not start the new config; every worker runs the previous one`,
      )
    }
    this.current = next
    this.apply(prepared)
    this.generation++
    this.reloads.succeeded++
    this.state = 'running'
    const keep = new Set(this.workers.flatMap((w) => w.keys))
    const closed = this.sockets.retain(keep)
    this.log.info('reloaded', {
      config: describeSource(this.options.source),
      workers: live.length,
      generation: this.generation,
      ...(closed ? { listeners_closed: closed } : {}),
    })
    return true
  }

  private async reloadWorker(worker: WorkerProcess, source: WorkerSource): Promise<{ ok: boolean; reason?: string }> {
    worker.state = 'reloading'
    const reply = await this.request(worker, { t: 'reload', id: 0, source }, this.options.shutdownTimeoutMs + 60_000)
    if (worker.state === 'reloading') worker.state = 'running'
    if (reply === null) return { ok: false, reason: 'no answer (the worker exited or timed out)' }
    if (!reply.ok) return { ok: false, reason: reply.error }
    return reply.value === true ? { ok: true } : { ok: false, reason: 'its start of the new config failed (see its log lines)' }
  }

  private reloadFailed(reason: string): false {
    this.state = 'running'
    this.reloads.failed++
    this.log.warn('reload failed; the running config is kept', { reason })
    return false
  }

  /** Stops every worker gracefully, bounded by the shutdown timeout (+5 s before the kill). */
  stop(reason = 'stop', announce = true): Promise<void> {
    this.stopping ??= (async () => {
      if (this.reloading) await this.reloading.catch(() => {})
      this.state = 'stopping'
      if (announce) this.log.info('stopping', { reason, timeout_ms: this.options.shutdownTimeoutMs, workers: this.workers.length })
      const t0 = Date.now()
      for (const w of this.workers) {
        if (w.restartTimer) clearTimeout(w.restartTimer)
        w.restartTimer = null
        if (w.child === null) {
          w.state = 'stopped'
          continue
        }
        w.state = 'stopping'
        this.send(w, { t: 'stop', reason })
      }
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), this.options.shutdownTimeoutMs + KILL_GRACE_MS)
      })
      const outcome = await Promise.race([Promise.all(this.workers.map((w) => w.exited)).then(() => 'done' as const), deadline])
      clearTimeout(timer)
      if (outcome === 'late') {
        for (const w of this.workers) {
          if (w.child === null) continue
          this.log.error('a worker did not stop in time; killing it', { worker: w.id, pid: w.pid })
          w.child.kill('SIGKILL')
        }
        await Promise.all(this.workers.map((w) => w.exited))
      }
      this.sockets.closeAll()
      this.state = 'stopped'
      if (announce) this.log.info('stopped', { elapsed_ms: Date.now() - t0 })
    })()
    return this.stopping
  }

  /** SIGUSR1: every worker flushes its buffers (and reopens the log file, as this process does). */
  async flush(): Promise<void> {
    this.options.sink.reopen()
    const live = this.workers.filter((w) => w.child !== null)
    this.log.info('flushing buffers', { workers: live.length })
    const replies = await Promise.all(live.map((w) => this.request(w, { t: 'flush', id: 0 }, this.options.shutdownTimeoutMs)))
    replies.forEach((r, i) => {
      if (r === null || !r.ok) this.log.warn('a worker did not flush', { worker: live[i].id, error: r?.error ?? 'no answer' })
    })
  }

  /** What the HTTP API shows of the workers. */
  views(): WorkerView[] {
    return this.workers.map((w) => ({
      worker_id: w.id,
      pid: w.pid,
      state: w.state,
      restarts: w.restarts,
      last_exit: w.lastExit && { code: w.lastExit.code, signal: w.lastExit.signal, at: new Date(w.lastExit.at).toISOString() },
    }))
  }

  /** The API's view of the workers (api/workers.ts). */
  api(): WorkersApi {
    return { views: () => this.views(), plugins: (q) => this.plugins(q), metrics: () => this.metrics() }
  }

  /** Each worker's /api/plugins.json list (null for a worker that does not answer now). */
  async plugins(query: PluginsQuery): Promise<(Record<string, unknown>[] | null)[]> {
    return this.ask<Record<string, unknown>[]>({ t: 'query', id: 0, what: 'plugins', query })
  }

  /** Each worker's numbers for /metrics (null for a worker that does not answer now). */
  async metrics(): Promise<(WorkerMetrics | null)[]> {
    return this.ask<WorkerMetrics>({ t: 'query', id: 0, what: 'metrics' })
  }

  private async ask<T>(message: Extract<ToWorker, { t: 'query' }>): Promise<(T | null)[]> {
    return Promise.all(
      this.workers.map(async (w) => {
        if (w.child === null) return null
        const reply = await this.request(w, message, QUERY_TIMEOUT_MS)
        return reply?.ok ? (reply.value as T) : null
      }),
    )
  }

  /** The config as written (the designer's GET /api/config). */
  configText(): string {
    const source = this.options.source
    if (source.kind === 'file') return readFileSync(source.path, 'utf8')
    return source.kind === 'snapshot' ? mainText(source.snapshot) : source.text
  }

  /** The designer's apply: validate the text for every worker, replace the file, reload (see Daemon.applyText). */
  async applyText(text: string): Promise<{ ok: boolean; errors: string[] }> {
    const source = this.options.source
    if (source.kind !== 'file') return { ok: false, errors: ['the embedded default config cannot be replaced: run sluice with -c FILE'] }
    const checked = await prepareWorkers(
      { kind: 'text', text: source.inline ? `${text}\n${source.inline}\n` : text, name: source.path },
      { ...this.prepareOptions(), logger: () => this.options.sink.logger('fatal') },
    )
    release(checked.perWorker)
    if (checked.errors.length > 0) return { ok: false, errors: checked.errors.map((e) => e.message) }
    while (this.reloading) await this.reloading.catch(() => {})
    if (this.state !== 'running') return { ok: false, errors: [`sluice is ${this.state}`] }
    if (existsSync(source.path)) copyFileSync(source.path, `${source.path}.prev`)
    const tmp = `${source.path}.sluice-apply-${process.pid}`
    writeFileSync(tmp, text)
    renameSync(tmp, source.path)
    this.log.info('config replaced through the API; reloading', { config: source.path, previous: `${source.path}.prev` })
    const ok = await this.reload()
    return { ok, errors: ok ? [] : ['the config was written but the reload did not take it; see the log'] }
  }

  // --- workers -------------------------------------------------------------------------------

  /** Forks the worker; resolves once its agent runs, rejects when it fails to start. */
  private spawn(worker: WorkerProcess): Promise<void> {
    const child = fork(SLUICE_BIN, ['__worker'], {
      env: { ...process.env, SERVERENGINE_WORKER_ID: String(worker.id) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    })
    worker.child = child
    worker.state = 'starting'
    worker.startError = null
    worker.exited = new Promise((resolve) => child.once('exit', () => resolve()))
    const ready = new Promise<void>((resolve, reject) => {
      worker.ready = { resolve, reject }
    })
    ready.catch(() => {})
    child.on('message', (message: FromWorker) => this.onMessage(worker, child, message))
    child.once('exit', (code, signal) => this.onExit(worker, child, code, signal))
    child.on('error', (error) => this.log.error('worker process error', { worker: worker.id, error: error.message }))
    this.send(worker, {
      t: 'init',
      workerId: worker.id,
      workers: this.workers.length,
      source: this.current!,
      settings: this.options.settings,
    })
    return ready
  }

  private onMessage(worker: WorkerProcess, child: ChildProcess, message: FromWorker): void {
    switch (message.t) {
      case 'listen':
        this.sockets.acquire({ proto: message.proto, host: message.host, port: message.port, key: message.key }).then(
          (handle) => {
            if (child.connected) child.send({ t: 'listen-result', id: message.id } satisfies ToWorker, handle as never)
          },
          (error: unknown) => {
            const code = error instanceof BindError ? error.code : 'EINVAL'
            const text = error instanceof Error ? error.message : String(error)
            if (child.connected) child.send({ t: 'listen-result', id: message.id, error: { code, message: text } } satisfies ToWorker)
          },
        )
        return
      case 'release':
        this.sockets.drop(message.key)
        return
      case 'started': {
        worker.keys = message.keys
        if (worker.state === 'starting') {
          worker.state = 'running'
          worker.startedAt = Date.now()
          if (worker.restarts > 0) this.log.info('worker restarted', { worker: worker.id, pid: worker.pid, restarts: worker.restarts })
        }
        worker.ready?.resolve()
        worker.ready = null
        return
      }
      case 'start-failed':
        worker.startError = message.message
        return
      case 'reply': {
        const done = worker.requests.get(message.id)
        worker.requests.delete(message.id)
        done?.(message)
        return
      }
    }
  }

  private onExit(worker: WorkerProcess, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (worker.child !== child) return
    worker.child = null
    worker.lastExit = { code, signal, at: Date.now() }
    for (const done of worker.requests.values()) done(null)
    worker.requests.clear()
    const reason = worker.startError ?? (signal ? `killed by ${signal}` : `exit code ${code}`)
    if (worker.ready) {
      worker.ready.reject(
        new StartFailure(
          worker.startError ?? `sluice: worker ${worker.id} exited while starting (${signal ? `signal ${signal}` : `code ${code}`})`,
        ),
      )
      worker.ready = null
    }
    if (this.state === 'stopping' || this.state === 'stopped' || this.state === 'starting' || this.state === 'idle') {
      worker.state = 'stopped'
      return
    }
    const ran = worker.startedAt > 0 ? Date.now() - worker.startedAt : 0
    worker.failures = ran >= STABLE_AFTER_MS ? 1 : worker.failures + 1
    const delay = Math.min(RESTART_DELAY_MS * 2 ** (worker.failures - 1), RESTART_DELAY_MAX_MS)
    worker.state = 'restarting'
    worker.startedAt = 0
    this.log.error('worker exited; starting it again', {
      worker: worker.id,
      pid: child.pid,
      ...(signal ? { signal } : { code }),
      reason,
      restart_in_ms: delay,
    })
    worker.restartTimer = setTimeout(() => {
      worker.restartTimer = null
      if (this.state !== 'running' && this.state !== 'reloading') return
      worker.restarts++
      this.spawn(worker).catch(() => {})
    }, delay)
  }

  private send(worker: WorkerProcess, message: ToWorker): void {
    const child = worker.child
    if (child?.connected) child.send(message)
  }

  /** Sends a request (its id set here) and waits for the reply; null when the worker exits or does not answer in time. */
  private request(worker: WorkerProcess, message: Extract<ToWorker, { id: number }>, timeoutMs: number): Promise<Reply | null> {
    if (worker.child === null) return Promise.resolve(null)
    const id = this.nextRequest++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.requests.delete(id)
        resolve(null)
      }, timeoutMs)
      worker.requests.set(id, (reply) => {
        clearTimeout(timer)
        resolve(reply)
      })
      this.send(worker, { ...message, id } as ToWorker)
    })
  }

  // --- config ----------------------------------------------------------------------------------

  private prepareOptions() {
    return {
      registry: this.options.registry,
      levelOverride: this.options.levelOverride,
      hostname: this.options.hostname,
      logger: (level: LogLevel) => this.options.sink.logger(level),
      strict: this.options.strict,
    }
  }

  private prepare(): Promise<PreparedWorkers> {
    // Plugins built for validation log nothing: each worker logs its own.
    return prepareWorkers(this.options.source, { ...this.prepareOptions(), logger: () => this.options.sink.logger('fatal') })
  }

  private workerSource(prepared: PreparedWorkers): WorkerSource {
    const source = this.options.source
    if (prepared.snapshot !== null) return { kind: 'snapshot', snapshot: prepared.snapshot }
    if (source.kind === 'text' || source.kind === 'snapshot') return source
    throw new Error('a config file source without its snapshot')
  }

  /** `<system>` of the running config: log level and format, process title (`supervisor:NAME`). */
  private apply(prepared: PreparedWorkers): void {
    this.system = prepared.system
    if (this.options.formatOverride === undefined) this.options.sink.format = prepared.system.logFormat ?? 'text'
    this.log = this.options.sink.logger(this.options.levelOverride ?? prepared.system.logLevel ?? 'info')
    if (prepared.system.processName) process.title = `supervisor:${prepared.system.processName}`
  }

  private warn(prepared: Pick<PreparedWorkers, 'warnings' | 'notes'>): void {
    for (const n of prepared.notes) this.log.info(n.message)
    for (const w of prepared.warnings) this.log.warn(w.message)
  }
}
