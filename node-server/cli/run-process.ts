/**
 * @module What `sluice run` does around the process's Lifecycle (ops/lifecycle.ts), the same for a
 * single process (run.ts, the Daemon) and for `<system> workers N` (run-workers.ts, the
 * Supervisor): open the HTTP API before the start (so /healthz answers 503 while it starts; a port
 * that cannot open is one line naming the option that sets it, exit 1), install the signals
 * (ops/signals.ts), the npm parent watch and the fault handlers (exit 70), start, and print a start
 * that failed as one line — config errors each as `file:line: message; hint: …`, then
 * `sluice: N config errors in FILE; nothing started` — with exit 1. `exit` closes the API (for at
 * most a second) before the process exits.
 */

import { resolve } from 'node:path'
import type { Hono } from 'hono'
import type { Logger } from '../../engine/log.ts'
import type { ApiSource } from '../ops/api/app.ts'
import { listenApi, type ApiServer } from '../ops/api/server.ts'
import { installFaultHandlers } from '../ops/faults.ts'
import { ConfigFailure } from '../ops/lifecycle.ts'
import { startedByNpm, watchParent } from '../ops/parent-watch.ts'
import { describeSource, type ConfigSource } from '../ops/prepare.ts'
import { installSignals, type Controlled } from '../ops/signals.ts'
import { StartFailure } from '../ops/start-agent.ts'
import { repoPath } from '../paths.ts'
import type { ApiPlan } from './api-plan.ts'
import { artifactFailure } from './artifact-errors.ts'
import { stringOption, type ParsedOptions } from './args.ts'
import type { Io } from './check.ts'
import { version } from './help.ts'

/** The designer's build output in this repo. */
export const UI_DIST = repoPath('ui', 'dist') + '/'

/** Extra time after the shutdown timeout before a stuck stop is cut short. */
export const HARD_EXIT_GRACE_MS = 5_000

/** What `sluice run` starts: the Daemon or the Supervisor. */
export type Runnable = Controlled & { readonly source: ConfigSource; start(): Promise<void> }

/** Where `/api/config.json` says the process reads its config, writes its log and finds `-p` modules. */
export interface RunPaths {
  configPath: string | undefined
  logPath: string | undefined
  plugins: string[]
}

export class RunProcess {
  private api: ApiServer | null = null
  private exiting = false

  constructor(private readonly io: Io) {}

  /** Exits the process once the HTTP API closed (at most 1 s); a code 0 after another exit is dropped. */
  readonly exit = (code: number): void => {
    if (this.exiting && code === 0) return
    this.exiting = true
    const closing = this.api ? this.api.close() : Promise.resolve()
    const timer = setTimeout(() => process.exit(code), 1_000)
    void closing.finally(() => {
      clearTimeout(timer)
      process.exit(code)
    })
  }

  /** Opens the HTTP API and logs its `listening` line; null after printing why it cannot (exit 1). */
  async listenApi(app: Hono, plan: ApiPlan, log: Logger): Promise<ApiServer | null> {
    try {
      this.api = await listenApi(app, plan.bind, plan.port)
    } catch (error) {
      this.io.err(apiListenMessage(error as NodeJS.ErrnoException, plan) + '\n')
      return null
    }
    log.info('listening', { plugin_id: 'api', type: 'http_api', address: this.api.address.address, port: this.api.address.port })
    return this.api
  }

  /** Installs the signal and fault handlers and starts; the exit code of a start that failed, or null while it runs. */
  async start(run: Runnable, hardDeadlineMs: number): Promise<number | null> {
    const signals = installSignals(run, { exit: this.exit, hardDeadlineMs })
    if (startedByNpm()) {
      watchParent((parent) => {
        run.log.warn('the process that started sluice (npm) exited; stopping', { parent_pid: parent })
        signals.stop('parent exited')
      })
    }
    installFaultHandlers(run, this.exit)
    try {
      await run.start()
    } catch (error) {
      for (const line of startFailure(error, run.source)) this.io.err(line + '\n')
      signals.remove()
      await this.api?.close()
      return 1
    }
    return null
  }
}

/** A failed start as the lines it prints. */
function startFailure(error: unknown, source: ConfigSource): string[] {
  if (error instanceof ConfigFailure) {
    const n = error.errors.length
    return [
      ...error.errors.map((e) => e.message),
      `sluice: ${n} config error${n === 1 ? '' : 's'} in ${describeSource(source)}; nothing started`,
    ]
  }
  if (error instanceof StartFailure) return [error.message]
  return [artifactFailure(error) ?? `sluice: start failed: ${error instanceof Error ? error.stack : String(error)}`]
}

/** `/api/config.json`'s facts about a running Daemon or Supervisor. */
export function apiInfo(
  run: { startedAt: number; generation: number; reloads: { succeeded: number; failed: number } },
  paths: RunPaths,
): ApiSource['info'] {
  return () => ({
    version: version(),
    startedAt: run.startedAt,
    generation: run.generation,
    reloads: run.reloads,
    configPath: paths.configPath ? resolve(paths.configPath) : null,
    logPath: paths.logPath ? resolve(paths.logPath) : null,
    pluginDirs: paths.plugins,
  })
}

/** The designer's API token (`--api-token`, else SLUICE_API_TOKEN) and build directory (`--ui-dist`). */
export function designerAccess(options: ParsedOptions): { token: string | null; uiDist: string } {
  return {
    token: stringOption(options, 'api-token') ?? (process.env.SLUICE_API_TOKEN || null),
    uiDist: stringOption(options, 'ui-dist') ?? UI_DIST,
  }
}

export function apiListenMessage(error: NodeJS.ErrnoException, plan: ApiPlan): string {
  const { bind, port } = plan
  if (error.code === 'EADDRINUSE')
    return `sluice: port ${port} is in use (the HTTP API, ${plan.portSetting}); set another port, or --no-api`
  if (error.code === 'EACCES')
    return `sluice: no permission to listen on port ${port} (the HTTP API, ${plan.portSetting}); set another port`
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return `sluice: cannot listen on ${bind} (the HTTP API, ${plan.bindSetting}); set another address`
  return `sluice: the HTTP API cannot listen on ${bind}:${port}: ${error.message} (${plan.bindSetting}; ${plan.portSetting})`
}
