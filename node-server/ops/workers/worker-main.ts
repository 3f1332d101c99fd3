/**
 * @module One worker process of `<system> workers N` (started by the supervisor as `sluice
 * __worker`, with SERVERENGINE_WORKER_ID set as Fluentd's workers have it). It runs the same
 * Daemon a single process runs, for its worker id: the config comes from the supervisor's
 * validated snapshot, listening sockets from the supervisor's socket manager, and every control
 * (reload, flush, stop, the API's questions) over the IPC channel. Its log lines carry
 * `worker=N`. Signals: the supervisor handles the terminal's (SIGINT, SIGHUP reach the whole
 * process group), so a worker ignores them; SIGTERM sent to a worker stops it gracefully (the
 * supervisor then starts it again); SIGUSR1 flushes it. When the supervisor is gone (the IPC
 * channel closes) the worker stops gracefully and exits.
 */

import type { LogRecord } from '../../../engine/log.ts'
import { FileWriter, LogSink, stderrWriter } from '../../log/sink.ts'
import { setListenProvider } from '../../plugins/listen.ts'
import { daemonRegistry } from '../../plugins/daemon-registry.ts'
import { loadPluginModules } from '../../cli/plugin-modules.ts'
import { version } from '../../cli/help.ts'
import { setApiSource } from '../api/monitor-agent.ts'
import { pluginsJson } from '../api/plugins-json.ts'
import { bufferGauges } from '../api/prometheus.ts'
import { Daemon } from '../daemon.ts'
import { ConfigFailure } from '../lifecycle.ts'
import { installFaultHandlers } from '../faults.ts'
import { ListenerPool } from '../listener-pool.ts'
import { StartFailure } from '../start-agent.ts'
import { EXIT_START_FAILED, type FromWorker, type ToWorker, type WorkerMetrics } from './protocol.ts'
import { SharedListen, type SocketSource } from './shared-listen.ts'

/** A log sink whose lines end with `worker=N`. */
class WorkerSink extends LogSink {
  constructor(
    private readonly workerId: number,
    options: ConstructorParameters<typeof LogSink>[0],
  ) {
    super(options)
  }

  override write(record: LogRecord): void {
    super.write({ ...record, fields: { ...record.fields, worker: this.workerId } })
  }
}

/** Sends to the supervisor; resolves once the message is written (so an exit right after does not lose it). */
function send(message: FromWorker): Promise<void> {
  if (!process.connected) return Promise.resolve()
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()))
}

/** Waits for the supervisor's `init`, then runs until stopped. */
export function workerMain(): Promise<null> {
  if (typeof process.send !== 'function') {
    process.stderr.write('sluice: __worker is started by the sluice supervisor (<system> workers), not by hand\n')
    process.exit(2)
  }
  return new Promise((resolve) => {
    const onInit = (message: ToWorker) => {
      if (message.t !== 'init') return
      process.off('message', onInit)
      void runWorker(message).then(() => resolve(null))
    }
    process.on('message', onInit)
  })
}

async function runWorker(init: Extract<ToWorker, { t: 'init' }>): Promise<void> {
  const { workerId, settings } = init
  // What the supervisor sends while the plugin modules load (a stop, when another worker failed to start) waits for the handler below.
  const early: ToWorker[] = []
  const keep = (message: ToWorker) => void early.push(message)
  process.on('message', keep)
  const sink = new WorkerSink(workerId, {
    format: settings.formatOverride ?? 'text',
    writer: settings.logPath ? new FileWriter(settings.logPath) : stderrWriter,
  })
  const registry = daemonRegistry(await loadPluginModules(settings.plugins))
  const pool = new ListenerPool().install()

  let nextId = 1
  const waiting = new Map<number, { resolve: (handle: unknown) => void; reject: (error: Error) => void }>()
  const sockets: SocketSource = {
    acquire(proto, host, port, key) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject })
        void send({ t: 'listen', id, proto, host, port, key })
      })
    },
    release: (key) => void send({ t: 'release', key }),
  }
  const shared = new SharedListen(sockets, pool)
  setListenProvider(shared)

  let exiting = false
  const exit = (code: number) => {
    if (exiting) return
    exiting = true
    setListenProvider(null)
    process.exit(code)
  }
  const daemon = new Daemon({
    source: init.source,
    registry,
    sink,
    pool,
    levelOverride: settings.levelOverride,
    formatOverride: settings.formatOverride,
    shutdownTimeoutMs: settings.shutdownTimeoutMs,
    strict: settings.strict,
    hostname: settings.hostname,
    workerId,
    startedFields: { version: version(), pid: process.pid, node: process.version },
    onAgentStarted: () => void send({ t: 'started', generation: daemon.generation, keys: shared.keys() }),
    onFatal: () => exit(EXIT_START_FAILED),
  })
  // A monitor_agent source in a worker shows that worker (Fluentd's: one port per worker).
  setApiSource({
    state: () => daemon.state,
    agent: () => daemon.agent,
    registry,
    info: () => ({
      version: version(),
      startedAt: daemon.startedAt,
      generation: daemon.generation,
      reloads: daemon.reloads,
      configPath: init.source.kind === 'snapshot' ? init.source.snapshot.path : null,
      logPath: settings.logPath ?? null,
      pluginDirs: settings.plugins,
    }),
  })

  const stop = (reason: string) => {
    daemon.stop(reason).then(
      () => exit(0),
      () => exit(1),
    )
  }
  const reply = (id: number, work: () => unknown) => {
    Promise.resolve()
      .then(work)
      .then(
        (value) => void send({ t: 'reply', id, ok: true, value }),
        (error) => void send({ t: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      )
  }
  const onMessage = (message: ToWorker, handle?: unknown) => {
    switch (message.t) {
      case 'listen-result': {
        const w = waiting.get(message.id)
        waiting.delete(message.id)
        if (w === undefined) return
        if (message.error) w.reject(Object.assign(new Error(message.error.message), { code: message.error.code }))
        else w.resolve(handle)
        return
      }
      case 'reload':
        return reply(message.id, () => daemon.reload(message.source))
      case 'flush':
        return reply(message.id, () => daemon.flush())
      case 'query':
        return reply(message.id, () => {
          const entries = daemon.agent?.plugins ?? []
          if (message.what === 'plugins') return pluginsJson(entries, registry, message.query).plugins
          const mem = process.memoryUsage()
          const cpu = process.cpuUsage()
          const metrics: WorkerMetrics = {
            plugins: entries.map((e) => e.metrics),
            gauges: bufferGauges(entries),
            registry: daemon.agent?.prometheus.text() ?? '',
            process: {
              rss: mem.rss,
              heapUsed: mem.heapUsed,
              external: mem.external + mem.arrayBuffers,
              cpuSeconds: (cpu.user + cpu.system) / 1e6,
              startedAt: daemon.startedAt,
              generation: daemon.generation,
              state: daemon.state,
            },
          }
          return metrics
        })
      case 'stop':
        return stop(message.reason)
    }
  }
  process.off('message', keep)
  process.on('message', onMessage)
  for (const message of early.splice(0)) onMessage(message)
  process.on('disconnect', () => {
    daemon.log.warn('the supervisor is gone; stopping')
    stop('supervisor gone')
  })
  for (const signal of ['SIGINT', 'SIGHUP', 'SIGUSR2'] as const) {
    process.on(signal, () =>
      daemon.log.debug('signal ignored by a worker: send it to the supervisor', { signal, supervisor_pid: process.ppid }),
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGUSR1', () => void daemon.flush().catch(() => {}))
  installFaultHandlers(daemon, exit)

  try {
    await daemon.start()
  } catch (error) {
    const message =
      error instanceof ConfigFailure
        ? error.errors.map((e) => e.message).join('\n')
        : error instanceof StartFailure
          ? error.message
          : `sluice: worker ${workerId} did not start: ${error instanceof Error ? error.stack : String(error)}`
    await send({ t: 'start-failed', message })
    exit(EXIT_START_FAILED)
  }
}
