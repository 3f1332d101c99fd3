/**
 * @module `sluice run` with `<system> workers N` (N > 1): this process becomes the supervisor
 * (node-server/ops/workers/supervisor.ts) and forks N workers. Everything else looks as it does
 * for one process: the same options, the HTTP API when asked for (served here for all workers),
 * and the same sequence (run-process.ts, ops/lifecycle.ts): signals, one-line start failures, exit
 * codes, `started` / `stopped` lines. The number of workers comes from the config, as in Fluentd
 * (there is no command-line option).
 */

import { resolve } from 'node:path'
import type { LogLevel } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import { readSystem } from '../../engine/check/system.ts'
import { createApiApp } from '../ops/api/app.ts'
import { mountDesigner } from '../ops/api/designer.ts'
import { parseSource, type ConfigSource } from '../ops/prepare.ts'
import { Supervisor } from '../ops/workers/supervisor.ts'
import type { LogFormat, LogSink } from '../log/sink.ts'
import type { ApiPlan } from './api-plan.ts'
import type { ParsedOptions } from './args.ts'
import type { Io } from './check.ts'
import { version } from './help.ts'
import { apiInfo, designerAccess, HARD_EXIT_GRACE_MS, RunProcess } from './run-process.ts'

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
  const proc = new RunProcess(io)
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
    const app = createApiApp({
      state: () => supervisor.state,
      agent: () => null,
      registry: run.registry,
      info: apiInfo(supervisor, run),
      workers: supervisor.api(),
    })
    if (options['api-tap']) supervisor.log.warn('--api-tap is not available with <system> workers: the events flow in the worker processes')
    mountDesigner(app, { daemon: supervisor, registry: run.registry, ...designerAccess(options), tapCore: null })
    if ((await proc.listenApi(app, apiPlan, supervisor.log)) === null) return 1
  }
  // A worker's stop has the shutdown timeout, then 5 s before it is killed: the hard deadline comes after that.
  return proc.start(supervisor, run.shutdownTimeoutMs + 2 * HARD_EXIT_GRACE_MS)
}
