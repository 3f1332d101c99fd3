/**
 * @module From a config source to a built, not yet started agent: parse (file with @include, or
 * text such as the embedded default, or a validated snapshot of the files), then engine/check's
 * `checkParsed` (`<system>`, structure, every plugin validated and built) with the Node registry,
 * buffer services and core. One path for `sluice run`, `sluice check`, SIGHUP reload, each worker of
 * `<system> workers N` and the designer (which runs the same checkParsed in the browser), so all of
 * them agree on what is valid. `prepareWorkers` validates a config for every worker id at once.
 */

import { hostname as osHostname } from 'node:os'
import type { Agent } from '../../engine/agent.ts'
import { checkParsed, dedupeProblems, sortByPlace } from '../../engine/check/check.ts'
import { readSystem, type SystemConfig } from '../../engine/check/system.ts'
import { ConfigError } from '../../engine/config/errors.ts'
import { parseConfig, parseConfigFile, type ParseResult } from '../../engine/config/parse.ts'
import type { Logger, LogLevel } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { nodeBufferServices } from '../buffer/services.ts'
import { nodeConfigHost, type FileAccess } from '../config/load.ts'
import { loadPluginsFor } from '../plugins/daemon-registry.ts'
import { recordingFiles, replayFiles, type ConfigSnapshot } from '../config/snapshot.ts'

/** A config file (plus Fluentd's `-i` inline text appended to it), config text, or a validated snapshot of a file's config. */
export type ConfigSource =
  | { kind: 'file'; path: string; inline?: string }
  | { kind: 'text'; text: string; name: string }
  | { kind: 'snapshot'; snapshot: ConfigSnapshot }

export interface PrepareOptions {
  registry: PluginRegistry
  /** Makes the agent's root logger once the level is known (`--log-level` beats `<system> log_level`). */
  logger(level: LogLevel): Logger
  /** `--log-level` when given. */
  levelOverride?: LogLevel
  hostname?: string
  env?: Readonly<Record<string, string | undefined>>
  /** `--strict`: every warning (parse, `<system>`, plugins) is an error. */
  strict?: boolean
  /**
   * The worker process to build for (`<system> workers` > 1): its `<worker N>` blocks, `#{worker_id}`,
   * per-worker buffer directories. Unset: a single process (worker 0).
   */
  workerId?: number
  /** Where config files come from (default: the disk). */
  files?: FileAccess
}

export interface Prepared {
  parsed: ParseResult
  system: SystemConfig
  /** Parse, `<system>` and plugin errors, in that order. */
  errors: ConfigError[]
  warnings: ConfigError[]
  /** Info lines: what sluice ignores on purpose (`<system>` params with no effect…); never errors. */
  notes: ConfigError[]
  /** Null when there is any error. */
  agent: Agent | null
  core: Core
  /** The level the agent logs at. */
  level: LogLevel
}

export function describeSource(source: ConfigSource): string {
  return source.kind === 'file' ? source.path : source.kind === 'snapshot' ? source.snapshot.path : source.name
}

/** Parses a source; never throws for config problems (an unreadable file is one error). */
export function parseSource(
  source: ConfigSource,
  options: Pick<PrepareOptions, 'env' | 'hostname' | 'workerId' | 'files'> = {},
): ParseResult {
  const workerId = options.workerId ?? 0
  // Fluentd's workers (a single one too) have SERVERENGINE_WORKER_ID in their environment.
  const env = { ...(options.env ?? process.env), SERVERENGINE_WORKER_ID: String(workerId) }
  const files = source.kind === 'snapshot' ? replayFiles(source.snapshot) : options.files
  const host = nodeConfigHost({ env, hostname: options.hostname, workerId, files })
  if (source.kind === 'text') return parseConfig(source.text, source.name, host)
  const { path, inline } = source.kind === 'snapshot' ? source.snapshot : source
  if (inline === undefined || inline === '') return parseConfigFile(path, host)
  let text: string
  try {
    text = host.readFile!(path)
  } catch (error) {
    const result = parseConfig('', path, {})
    result.errors.push(
      new ConfigError({
        file: path,
        line: 1,
        reason: `cannot read config file: ${(error as Error).message}`,
        hint: 'check the path given with -c',
      }),
    )
    return result
  }
  return parseConfig(`${text}\n${inline}\n`, path, host)
}

/**
 * Parses, validates and builds. The agent is built on a fresh core instance (an agent owns its
 * route tables; a reload builds the next agent beside the running one).
 *
 * @example
 * const prepared = await prepareAgent({ kind: 'file', path: 'fluent.conf' }, { registry, logger: (l) => sink.logger(l) })
 * if (prepared.agent) await prepared.agent.start()
 */
export async function prepareAgent(source: ConfigSource, options: PrepareOptions): Promise<Prepared> {
  return buildPrepared(parseSource(source, options), options)
}

/** Validates and builds an already parsed config (a reload that must go back builds the old one again). */
export async function buildPrepared(parsed: ParseResult, options: PrepareOptions): Promise<Prepared> {
  const core = await loadCore()
  // The daemon's registry imports the plugins off the hot path when a config first names them.
  await loadPluginsFor(options.registry, parsed.config.root)
  // The first pass reads <system> for root_dir (the buffer services need it before plugins are built).
  const rootDir = readSystem(parsed.config, parsed.locs).system.rootDir
  const checked = checkParsed(parsed, {
    core,
    registry: options.registry,
    runtime: 'node',
    logger: options.logger,
    levelOverride: options.levelOverride,
    hostname: options.hostname ?? osHostname(),
    services: {
      ...nodeBufferServices({ rootDir: rootDir ?? null, workerId: options.workerId ?? 0 }),
      stdout: (bytes) => process.stdout.write(bytes),
    },
    strict: options.strict,
    workerId: options.workerId,
  })
  return { ...checked, core }
}

/** A config validated for every worker it runs in (`prepareWorkers`). */
export interface PreparedWorkers {
  system: SystemConfig
  /** `<system> workers` (1: a single process). */
  workers: number
  /** The files as validated: what every worker parses. */
  snapshot: ConfigSnapshot | null
  /** Over all workers, each problem once, in reading order. */
  errors: ConfigError[]
  warnings: ConfigError[]
  notes: ConfigError[]
  /** One per worker id; their agents are null when there is any error. */
  perWorker: Prepared[]
  /** Plugins built over all workers (a plugin every worker runs counts once per worker). */
  plugins: number
}

/**
 * Validates a config as `<system> workers` runs it: with one worker, as `prepareAgent` does; with
 * N > 1, the config of each worker id 0…N-1 (its `<worker>` blocks, `#{worker_id}`, its buffer
 * directories) from one snapshot of the files. Call `release` on the result when its agents are
 * not started.
 */
export async function prepareWorkers(source: ConfigSource, options: PrepareOptions): Promise<PreparedWorkers> {
  const recorder = source.kind === 'file' ? recordingFiles(options.files) : null
  const first = parseSource(source, { ...options, workerId: 0, files: recorder ?? undefined })
  const zero = await buildPrepared(first, { ...options, workerId: 0 })
  const workers = Math.max(1, zero.system.workers)
  const snapshotOf = () => (recorder && source.kind === 'file' ? recorder.snapshot(source.path, source.inline) : null)
  if (workers === 1)
    return {
      system: zero.system,
      workers: 1,
      snapshot: snapshotOf(),
      ...pick(zero),
      perWorker: [zero],
      plugins: zero.agent?.plugins.length ?? 0,
    }
  const perWorker = [zero]
  for (let id = 1; id < workers; id++) {
    const parsed = parseSource(source, { ...options, workerId: id, files: recorder ?? undefined })
    perWorker.push(await buildPrepared(parsed, { ...options, workerId: id }))
  }
  const all = (key: 'errors' | 'warnings' | 'notes') => sortByPlace(dedupeProblems(perWorker.flatMap((p) => p[key])), first.files)
  const errors = all('errors')
  const plugins = perWorker.reduce((n, p) => n + (p.agent?.plugins.length ?? 0), 0)
  if (errors.length > 0) release(perWorker)
  return {
    system: zero.system,
    workers,
    snapshot: snapshotOf(),
    errors,
    warnings: all('warnings'),
    notes: all('notes'),
    perWorker,
    plugins,
  }
}

function pick(p: Prepared): Pick<PreparedWorkers, 'errors' | 'warnings' | 'notes'> {
  return { errors: p.errors, warnings: p.warnings, notes: p.notes }
}

/** Frees the route tables of agents that will not start. */
export function release(list: readonly Prepared[]): void {
  for (const p of list) {
    for (const router of p.agent?.routers.values() ?? []) router.free()
    p.agent = null
  }
}
