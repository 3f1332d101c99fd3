/**
 * @module `sluice run` with `<system> workers N` (N > 1): this process becomes the supervisor
 * (node-server/ops/workers/supervisor.ts) and forks N workers. Everything else looks as it does
 * for one process: the same options, the HTTP API when asked for (served here for all workers),
 * the same signals, the same one-line start failures, exit codes, and `started` / `stopped` lines.
 * The number of workers comes from the config, as in Fluentd (there is no command-line option).
 */

import { resolve } from 'node:path'
import type { LogLevel } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import type { ApiSource } from '../ops/api/app.ts'
import { createApiApp } from '../ops/api/app.ts'
import { mountDesigner } from '../ops/api/designer.ts'
import { listenApi, type ApiServer } from '../ops/api/server.ts'
import { ConfigFailure } from '../ops/daemon.ts'
import { installFaultHandlers } from '../ops/faults.ts'
import { startedByNpm, watchParent } from '../ops/parent-watch.ts'
import { describeSource, parseSource, type ConfigSource } from '../ops/prepare.ts'
import { installSignals } from '../ops/signals.ts'
import { StartFailure } from '../ops/start-agent.ts'
import { readSystem } from '../../engine/check/system.ts'
import { Supervisor } from '../ops/workers/supervisor.ts'
import type { LogFormat, LogSink } from '../log/sink.ts'
import type { ApiPlan } from './api-plan.ts'
import { artifactFailure } from './artifact-errors.ts'
import { stringOption, type ParsedOptions } from './args.ts'
import type { Io } from './check.ts'
import { version } from './help.ts'
import { apiListenMessage, HARD_EXIT_GRACE_MS, UI_DIST } from './run.ts'

/** `<system> workers` of a config (1 when it is absent or the config does not parse: the start reports that). */
export function configuredWorkers(source: ConfigSource): number {
  const parsed = parseSource(source)
  if (parsed.errors.length > 0) return 1
  const { system, errors } = readSystem(parsed.config, parsed.locs)
  return errors.length === 0 ? system.workers : 1
}

export interface SupervisorRun {
  options: ParsedOptions
  io: Io
  source: ConfigSource
  apiPlan: ApiPlan
  sink: LogSink
  registry: PluginRegistry
  levelOverride: LogLevel | undefined
  formatOverride: LogFormat | undefined
  shutdownTimeoutMs: number
  configPath: string | undefined
  logPath: string | undefined
  plugins: string[]
}

/** Runs the supervisor; returns the exit code of a failed start, or null while it runs. */
export async function runSupervisor(run: SupervisorRun): Promise<number | null> {
  const { options, io, source, apiPlan, sink } = run
  let api: ApiServer | null = null
  let exiting = false
  const exit = (code: number) => {
    if (exiting && code === 0) return
    exiting = true
    const closing = api ? api.close() : Promise.resolve()
    const timer = setTimeout(() => process.exit(code), 1_000)
    void closing.finally(() => {
      clearTimeout(timer)
      process.exit(code)
    })
  }
  const supervisor = new Supervisor({
    source,
    registry: run.registry,
    sink,
    levelOverride: run.levelOverride,
    formatOverride: run.formatOverride,
    shutdownTimeoutMs: run.shutdownTimeoutMs,
    strict: options.strict === true,
    settings: {
      levelOverride: run.levelOverride,
      formatOverride: run.formatOverride,
      logPath: run.logPath ? resolve(run.logPath) : undefined,
      shutdownTimeoutMs: run.shutdownTimeoutMs,
      strict: options.strict === true,
      plugins: run.plugins.map((p) => resolve(p)),
    },
    startedFields: { version: version(), pid: process.pid, node: process.version },
  })

  if (apiPlan.serve) {
    const apiSource: ApiSource = {
      state: () => supervisor.state,
      agent: () => null,
      registry: run.registry,
      info: () => ({
        version: version(),
        startedAt: supervisor.startedAt,
        generation: supervisor.generation,
        reloads: supervisor.reloads,
        configPath: run.configPath ? resolve(run.configPath) : null,
        logPath: run.logPath ? resolve(run.logPath) : null,
        pluginDirs: run.plugins,
      }),
      workers: supervisor.api(),
    }
    const app = await createApiApp(apiSource)
    if (options['api-tap']) supervisor.log.warn('--api-tap is not available with <system> workers: the events flow in the worker processes')
    await mountDesigner(app, {
      daemon: supervisor,
      registry: run.registry,
      token: stringOption(options, 'api-token') ?? (process.env.SLUICE_API_TOKEN || null),
      tapCore: null,
      uiDist: stringOption(options, 'ui-dist') ?? UI_DIST,
    })
    try {
      api = await listenApi(app, apiPlan.bind, apiPlan.port)
    } catch (error) {
      io.err(apiListenMessage(error as NodeJS.ErrnoException, apiPlan) + '\n')
      return 1
    }
    supervisor.log.info('listening', { plugin_id: 'api', type: 'http_api', address: api.address.address, port: api.address.port })
  }

  const signals = installSignals(supervisor, { exit, hardDeadlineMs: run.shutdownTimeoutMs + 2 * HARD_EXIT_GRACE_MS })
  if (startedByNpm()) {
    watchParent((parent) => {
      supervisor.log.warn('the process that started sluice (npm) exited; stopping', { parent_pid: parent })
      signals.stop('parent exited')
    })
  }
  installFaultHandlers(supervisor, exit)

  try {
    await supervisor.start()
  } catch (error) {
    if (error instanceof ConfigFailure) {
      for (const e of error.errors) io.err(e.message + '\n')
      io.err(
        `sluice: ${error.errors.length} config error${error.errors.length === 1 ? '' : 's'} in ${describeSource(source)}; nothing started\n`,
      )
    } else if (error instanceof StartFailure) {
      io.err(error.message + '\n')
    } else {
      io.err(`${artifactFailure(error) ?? `sluice: start failed: ${error instanceof Error ? error.stack : String(error)}`}\n`)
    }
    signals.remove()
    await api?.close()
    return 1
  }
  return null
}
