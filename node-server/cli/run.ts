/**
 * @module `sluice [run]`: the daemon. Reads the options, opens the log sink, starts the HTTP API
 * when asked for (api-plan.ts; before the agent, so /healthz answers 503 while it starts), validates and starts the agent, and installs
 * the signal handlers. Config errors print as `file:line: message; hint: …`; a port in use prints
 * one line naming the option to change. Returns the exit code, or null while the daemon runs.
 */

import { resolve } from 'node:path'
import type { Agent } from '../../engine/agent.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { createApiApp, type ApiSource } from '../ops/api/app.ts'
import { createDesigner } from '../ops/api/designer.ts'
import { setApiSource } from '../ops/api/monitor-agent.ts'
import { designerUrl, listenApi, type ApiServer } from '../ops/api/server.ts'
import { ConfigFailure, Daemon } from '../ops/daemon.ts'
import { ListenerPool } from '../ops/listener-pool.ts'
import { describeSource, type ConfigSource } from '../ops/prepare.ts'
import { installFaultHandlers } from '../ops/faults.ts'
import { startedByNpm, watchParent } from '../ops/parent-watch.ts'
import { installSignals } from '../ops/signals.ts'
import { StartFailure } from '../ops/start-agent.ts'
import { FileWriter, LogSink, stderrWriter } from '../log/sink.ts'
import { nodeRegistry } from '../plugins/registry.ts'
import { planApi, type ApiPlan } from './api-plan.ts'
import { configuredWorkers, runSupervisor } from './run-workers.ts'
import { artifactFailure } from './artifact-errors.ts'
import { listOption, parseArgs, stringOption, UsageError } from './args.ts'
import { checkCommand, processIo, type Io } from './check.ts'
import { defaultConfigSource, parseDefaultPorts } from './default-config.ts'
import { MAIN_HELP, version } from './help.ts'
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, logFormatOption, logLevelOption, RUN_OPTIONS, timeOptionMs } from './options.ts'
import { loadPluginModules } from './plugin-modules.ts'
import { repoPath } from '../paths.ts'

/** The designer's build output in this repo. */
export const UI_DIST = repoPath('ui', 'dist') + '/'

/** Extra time after the shutdown timeout before a stuck stop is cut short. */
export const HARD_EXIT_GRACE_MS = 5_000

export async function runCommand(argv: readonly string[], io: Io = processIo): Promise<number | null> {
  const { options, positionals } = parseArgs(argv, RUN_OPTIONS)
  if (options.help) {
    io.out(MAIN_HELP)
    return 0
  }
  if (options.version) {
    io.out(`sluice ${version()}\n`)
    return 0
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])}${positionals[0].endsWith('.conf') ? `; did you mean -c ${positionals[0]}?` : ''}`,
    )
  }
  const configPath = stringOption(options, 'config')
  const inline = stringOption(options, 'inline-config')
  const plugins = listOption(options, 'plugin')
  if (options['dry-run']) {
    return checkCommand(
      [
        ...(configPath ? ['-c', configPath] : []),
        ...(inline ? ['-i', inline] : []),
        ...plugins.flatMap((p) => ['-p', p]),
        ...(options.strict ? ['--strict'] : []),
      ],
      io,
    )
  }
  const levelOverride = logLevelOption(options)
  const formatOverride = logFormatOption(options)
  const shutdownTimeoutMs = timeOptionMs(options, 'shutdown-timeout', DEFAULT_SHUTDOWN_TIMEOUT_MS)
  const source = configSource(configPath, inline, stringOption(options, 'default-ports'))
  const apiPlan = planApi(options, source)
  const logPath = stringOption(options, 'log')
  const sink = new LogSink({ format: formatOverride ?? 'text', writer: logPath ? new FileWriter(logPath) : stderrWriter })
  const registry = nodeRegistry(await loadPluginModules(plugins))
  if (configuredWorkers(source) > 1) {
    return runSupervisor({
      options,
      io,
      source,
      apiPlan,
      sink,
      registry,
      levelOverride,
      formatOverride,
      shutdownTimeoutMs,
      configPath,
      logPath,
      plugins,
    })
  }
  const pool = new ListenerPool().install()
  let api: ApiServer | null = null
  let onAgent: (agent: Agent) => void = () => {}
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
  const daemon = new Daemon({
    source,
    registry,
    sink,
    pool,
    levelOverride,
    formatOverride,
    shutdownTimeoutMs,
    strict: options.strict === true,
    listenHint:
      source.kind === 'text'
        ? 'the embedded default config is used without -c: pass -c FILE, or --default-ports FORWARD,HTTP,API'
        : undefined,
    onFatal: () => exit(1),
    startedFields: { version: version(), pid: process.pid, node: process.version },
    onAgentStarted: (agent) => onAgent(agent),
  })
  // Debug only: a start that fails prints exactly one line (the reason); `started` says the rest.
  daemon.log.debug('starting sluice', { version: version(), pid: process.pid, config: describeSource(source), node: process.version })

  const apiSource: ApiSource = {
    state: () => daemon.state,
    agent: () => daemon.agent,
    registry,
    info: () => ({
      version: version(),
      startedAt: daemon.startedAt,
      generation: daemon.generation,
      reloads: daemon.reloads,
      configPath: configPath ? resolve(configPath) : null,
      logPath: logPath ? resolve(logPath) : null,
      pluginDirs: plugins,
    }),
  }
  // One designer for every API app the daemon serves: its own and each monitor_agent's.
  const designer =
    apiPlan.serve || apiPlan.monitorAgent
      ? await createDesigner({
          daemon,
          registry,
          token: stringOption(options, 'api-token') ?? (process.env.SLUICE_API_TOKEN || null),
          tapCore: options['api-tap'] ? await loadCore() : null,
          uiDist: stringOption(options, 'ui-dist') ?? UI_DIST,
        })
      : null
  if (designer) apiSource.designer = (app) => designer.mount(app)
  setApiSource(apiSource)
  daemon.log.debug(apiPlan.serve ? 'serving the HTTP API' : 'no HTTP API', { reason: apiPlan.reason })
  if (apiPlan.monitorAgent) daemon.log.info('the HTTP API is served by <source @type monitor_agent>', { at: apiPlan.monitorAgent })

  if (apiPlan.serve) {
    const app = await createApiApp(apiSource)
    onAgent = (agent) => {
      designer?.attach(agent)
      warnApiChange(daemon, apiPlan)
    }
    try {
      api = await listenApi(app, apiPlan.bind, apiPlan.port)
    } catch (error) {
      io.err(apiListenMessage(error as NodeJS.ErrnoException, apiPlan) + '\n')
      return 1
    }
    daemon.log.info('listening', { plugin_id: 'api', type: 'http_api', address: api.address.address, port: api.address.port })
    daemon.log.info(`route designer: ${designerUrl(api.address.address, api.address.port)}`, {
      apply:
        stringOption(options, 'api-token') !== undefined || process.env.SLUICE_API_TOKEN ? 'with the API token' : 'off (no --api-token)',
      tap: options['api-tap'] ? 'on' : 'off (--api-tap)',
    })
  } else {
    onAgent = (agent) => {
      designer?.attach(agent)
      warnApiChange(daemon, apiPlan)
    }
  }

  const signals = installSignals(daemon, { exit, hardDeadlineMs: shutdownTimeoutMs + HARD_EXIT_GRACE_MS })
  if (startedByNpm()) {
    watchParent((parent) => {
      daemon.log.warn('the process that started sluice (npm) exited; stopping', { parent_pid: parent })
      signals.stop('parent exited')
    })
  }
  installFaultHandlers(daemon, exit)

  try {
    await daemon.start()
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
    await api?.close()
    return 1
  }
  return null
}

function configSource(path: string | undefined, inline: string | undefined, defaultPorts: string | undefined): ConfigSource {
  if (path !== undefined) {
    if (defaultPorts !== undefined)
      throw new UsageError('--default-ports applies to the embedded default config only; set the ports in the -c file')
    return { kind: 'file', path, inline }
  }
  if (inline !== undefined) throw new UsageError('-i appends to a config file: give one with -c')
  if (defaultPorts === undefined) return defaultConfigSource()
  const ports = parseDefaultPorts(defaultPorts)
  if (ports === null)
    throw new UsageError(`--default-ports must be 0 or FORWARD,HTTP[,API] (0 to 65535), got ${JSON.stringify(defaultPorts)}`)
  return defaultConfigSource(ports)
}

/** A reload that changes `<system> http_*` says that the API stays as it started. */
function warnApiChange(daemon: Daemon, plan: ApiPlan): void {
  const system = daemon.current?.system
  if (system === undefined || daemon.generation === 1) return
  if (plan.reason.startsWith('--')) return
  const wanted = system.httpServer ? `${system.httpBind}:${system.httpPort}` : 'off'
  const running = plan.serve ? `${plan.bind}:${plan.port}` : 'off'
  if (wanted !== running)
    daemon.log.warn('<system> http_server/http_bind/http_port changed: the HTTP API stays as it started until sluice restarts', {
      running,
      config: wanted,
    })
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
