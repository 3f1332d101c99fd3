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
 * The start / reload / stop sequence, its states and log lines are the single process's
 * (../lifecycle.ts); this file is what a supervisor does in it.
 *
 * A worker that exits on its own (a crash, SIGKILL, an uncaught exception) is started again with
 * the running config after a backoff (1 s, doubling up to 60 s while it keeps dying within a
 * minute of its start), and the exit is logged with its code or signal. Its listening sockets stay
 * open here meanwhile, its file buffers are resumed by the new process.
 */

import { fork, type ChildProcess } from 'node:child_process'
import { repoPath } from '../../paths.ts'
import type { PluginsQuery } from '../api/plugins-json.ts'
import type { WorkersApi, WorkerView } from '../api/workers.ts'
import { Lifecycle, type LifecycleOptions } from '../lifecycle.ts'
import { prepareWorkers, release, type ConfigSource, type PreparedWorkers } from '../prepare.ts'
import { StartFailure } from '../start-agent.ts'
import { BindError, SocketManager } from './socket-manager.ts'
import type { FromWorker, ToWorker, WorkerMetrics, WorkerSettings, WorkerSource } from './protocol.ts'

/** A worker's state as /healthz and /api/config.json show it. */
export type WorkerState = 'starting' | 'running' | 'reloading' | 'stopping' | 'stopped' | 'restarting'

export interface SupervisorOptions extends LifecycleOptions {
  /** What each worker runs with (log destination, `-p` modules …). */
  settings: WorkerSettings
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

export class Supervisor extends Lifecycle<PreparedWorkers, SupervisorOptions> {
  workers: WorkerProcess[] = []
  readonly sockets = new SocketManager()
  protected readonly startingWho = 'the workers are'
  protected readonly selfName = 'sluice'
  private current: WorkerSource | null = null
  private nextRequest = 1

  protected override processFields(): Record<string, unknown> {
    return { workers: this.workers.length }
  }

  /** Forks every worker and waits until each runs (what started is stopped when one cannot). */
  protected async launch(prepared: PreparedWorkers): Promise<Record<string, unknown>> {
    release(prepared.perWorker)
    this.current = this.workerSource(prepared)
    this.generation = 1
    this.workers = Array.from({ length: prepared.workers }, (_, id) => new WorkerProcess(id))
    try {
      await Promise.all(this.workers.map((w) => this.spawn(w)))
    } catch (error) {
      await this.stop('start failed', false)
      throw error instanceof StartFailure ? error : new StartFailure(String(error))
    }
    return { workers: this.workers.length, pids: this.workers.map((w) => w.pid).join(',') }
  }

  /** Every running worker takes the new snapshot; when one cannot, those that took it go back (see the module comment). */
  protected async swap(prepared: PreparedWorkers): Promise<boolean> {
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
    const keep = new Set(this.workers.flatMap((w) => w.keys))
    const closed = this.sockets.retain(keep)
    return this.reloaded({ workers: live.length, generation: this.generation, ...(closed ? { listeners_closed: closed } : {}) })
  }

  private async reloadWorker(worker: WorkerProcess, source: WorkerSource): Promise<{ ok: boolean; reason?: string }> {
    worker.state = 'reloading'
    const reply = await this.request(worker, { t: 'reload', id: 0, source }, this.options.shutdownTimeoutMs + 60_000)
    if (worker.state === 'reloading') worker.state = 'running'
    if (reply === null) return { ok: false, reason: 'no answer (the worker exited or timed out)' }
    if (!reply.ok) return { ok: false, reason: reply.error }
    return reply.value === true ? { ok: true } : { ok: false, reason: 'its start of the new config failed (see its log lines)' }
  }

  /** Every worker stops gracefully, bounded by the shutdown timeout (+5 s before the kill). */
  protected async halt(reason: string): Promise<void> {
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
  }

  /** Every worker flushes its buffers (and reopens the log file, as this process did). */
  protected async flushBuffers(): Promise<void> {
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

  /** Validates the text for every worker id, as a reload would. */
  protected async validateText(source: ConfigSource): Promise<string[]> {
    const checked = await prepareWorkers(source, { ...this.prepareOptions(), logger: () => this.options.sink.logger('fatal') })
    release(checked.perWorker)
    return checked.errors.map((e) => e.message)
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

  protected prepare(): Promise<PreparedWorkers> {
    // Plugins built for validation log nothing: each worker logs its own.
    return prepareWorkers(this.source, { ...this.prepareOptions(), logger: () => this.options.sink.logger('fatal') })
  }

  private workerSource(prepared: PreparedWorkers): WorkerSource {
    const source = this.source
    if (prepared.snapshot !== null) return { kind: 'snapshot', snapshot: prepared.snapshot }
    if (source.kind === 'text' || source.kind === 'snapshot') return source
    throw new Error('a config file source without its snapshot')
  }

  /** `supervisor:NAME` for `<system> process_name`. */
  protected processTitle(name: string): string {
    return `supervisor:${name}`
  }
}
