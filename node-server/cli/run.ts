/**
 * @module `sluice [run]`: the daemon. Reads the options and opens the log sink; with `<system>
 * workers N` hands over to run-workers.ts, else runs the agent in this process: the Daemon on a
 * listener pool, the designer (with the tap) on the HTTP API and on every monitor_agent, and the
 * sequence every run shares (run-process.ts: the API before the start, signals, a failed start in
 * one line). Returns the exit code, or null while the daemon runs.
 */

import { loadCore } from '../../wasm/load-node.ts'
import { createApiApp, type ApiSource } from '../ops/api/app.ts'
import { createDesigner } from '../ops/api/designer.ts'
import { setApiSource } from '../ops/api/monitor-agent.ts'
import { designerUrl } from '../ops/api/server.ts'
import { Daemon } from '../ops/daemon.ts'
import { ListenerPool } from '../ops/listener-pool.ts'
import { describeSource, type ConfigSource } from '../ops/prepare.ts'
import { FileWriter, LogSink, stderrWriter } from '../log/sink.ts'
import { daemonRegistry, loadAllPlugins } from '../plugins/daemon-registry.ts'
import { planApi, type ApiPlan } from './api-plan.ts'
import { configuredWorkers, runSupervisor } from './run-workers.ts'
import { listOption, parseArgs, stringOption, UsageError } from './args.ts'
import { checkCommand, processIo, type Io } from './check.ts'
import { defaultConfigSource, parseDefaultPorts } from './default-config.ts'
import { MAIN_HELP, version } from './help.ts'
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, logFormatOption, logLevelOption, RUN_OPTIONS, timeOptionMs } from './options.ts'
import { loadPluginModules } from './plugin-modules.ts'
import { apiInfo, designerAccess, HARD_EXIT_GRACE_MS, RunProcess } from './run-process.ts'

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
  const registry = daemonRegistry(await loadPluginModules(plugins))
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
  const run = new RunProcess(io)
  const daemon = new Daemon({
    source,
    registry,
    sink,
    pool: new ListenerPool().install(),
    levelOverride,
    formatOverride,
    shutdownTimeoutMs,
    strict: options.strict === true,
    listenHint:
      source.kind === 'text'
        ? 'the embedded default config is used without -c: pass -c FILE, or --default-ports FORWARD,HTTP,API'
        : undefined,
    onFatal: () => run.exit(1),
    startedFields: { version: version(), pid: process.pid, node: process.version },
    onAgentStarted: (agent) => {
      designer?.attach(agent)
      warnApiChange(daemon, apiPlan)
    },
  })
  // Debug only: a start that fails prints exactly one line (the reason); `started` says the rest.
  daemon.log.debug('starting sluice', { version: version(), pid: process.pid, config: describeSource(source), node: process.version })

  const apiSource: ApiSource = {
    state: () => daemon.state,
    agent: () => daemon.agent,
    registry,
    info: apiInfo(daemon, { configPath, logPath, plugins }),
  }
  // One designer for every API app the daemon serves: its own and each monitor_agent's.
  // The API lists every plugin and the designer validates configs naming any of them.
  if (apiPlan.serve || apiPlan.monitorAgent) await loadAllPlugins(registry)
  const designer =
    apiPlan.serve || apiPlan.monitorAgent
      ? await createDesigner({ daemon, registry, ...designerAccess(options), tapCore: options['api-tap'] ? await loadCore() : null })
      : null
  if (designer) apiSource.designer = (app) => designer.mount(app)
  setApiSource(apiSource)
  daemon.log.debug(apiPlan.serve ? 'serving the HTTP API' : 'no HTTP API', { reason: apiPlan.reason })
  if (apiPlan.monitorAgent) daemon.log.info('the HTTP API is served by <source @type monitor_agent>', { at: apiPlan.monitorAgent })

  if (apiPlan.serve) {
    const api = await run.listenApi(await createApiApp(apiSource), apiPlan, daemon.log)
    if (api === null) return 1
    daemon.log.info(`route designer: ${designerUrl(api.address.address, api.address.port)}`, {
      apply:
        stringOption(options, 'api-token') !== undefined || process.env.SLUICE_API_TOKEN ? 'with the API token' : 'off (no --api-token)',
      tap: options['api-tap'] ? 'on' : 'off (--api-tap)',
    })
  }
  return run.start(daemon, shutdownTimeoutMs + HARD_EXIT_GRACE_MS)
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
