/**
 * @module What `sluice check` checks, runtime-neutral, so the daemon (start, reload, the designer's
 * validate/apply endpoints), the CLI and the designer in the browser run the SAME code: `<system>`,
 * the directive structure, every plugin's schema and its descriptor's cross-param checks, and every
 * plugin built (never started) with the registry the caller gives. Problems come back in reading
 * order (files as read, then lines), each once; `strict` makes every warning an error.
 */

import type { Agent } from '../agent.ts'
import { buildAgent } from '../agent.ts'
import { asError, type ConfigError } from '../config/errors.ts'
import type { ConfigModel } from '../config/model.ts'
import type { ParseResult } from '../config/parse.ts'
import type { Logger, LogLevel } from '../log.ts'
import type { PluginRegistry, PluginServices, Runtime } from '../plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { readSystem, type SystemConfig } from './system.ts'

export interface CheckOptions {
  core: Core
  registry: PluginRegistry
  /** The runtime the config is checked for (`sluice check`, the daemon and the designer: 'node'). */
  runtime: Runtime
  /** Makes the agent's root logger once the level is known (`--log-level` beats `<system> log_level`). */
  logger(level: LogLevel): Logger
  levelOverride?: LogLevel
  hostname: string
  services?: PluginServices
  /** `--strict`: every warning (parse, `<system>`, plugins) is an error. */
  strict?: boolean
  /** The worker the config is built for (`<system> workers` > 1: its `<worker N>` blocks); unset: worker 0. */
  workerId?: number
}

export interface CheckResult {
  parsed: ParseResult
  system: SystemConfig
  /** Parse, `<system>` and plugin errors, in reading order. */
  errors: ConfigError[]
  warnings: ConfigError[]
  /** Info lines: what sluice ignores on purpose (`<system>` params with no effect…); never errors. */
  notes: ConfigError[]
  /** The agent, built and not started; null when there is any error. */
  agent: Agent | null
  /** The level the agent logs at. */
  level: LogLevel
}

/**
 * Checks (and builds) an already parsed config.
 *
 * @example
 * const result = checkParsed(parseConfig(text, 'fluent.conf'), { core, registry, runtime: 'node', logger: () => silent, hostname: 'h' })
 * result.errors.map((e) => e.message) // ['fluent.conf:3: cannot configure input plugin 'forward': port 342249 is out of range 0..65535; …']
 */
export function checkParsed(parsed: ParseResult, options: CheckOptions): CheckResult {
  const { system, errors: systemErrors, warnings: systemWarnings, notes } = readSystem(parsed.config, parsed.locs)
  const level = options.levelOverride ?? system.logLevel ?? 'info'
  const model = system.withoutSource ? withoutSources(parsed.config) : parsed.config
  const built = buildAgent(model, parsed.locs, {
    core: options.core,
    registry: options.registry,
    log: options.logger(level),
    runtime: options.runtime,
    hostname: options.hostname,
    services: options.services,
    strictValues: system.strictConfigValue,
    workerId: options.workerId,
  })
  const order = (list: ConfigError[]) => sortByPlace(dedupeProblems(list), parsed.files)
  const allWarnings = [...parsed.warnings, ...systemWarnings, ...built.warnings]
  const errors = order([...parsed.errors, ...systemErrors, ...built.errors, ...(options.strict ? allWarnings.map(asError) : [])])
  const warnings = options.strict ? [] : order(allWarnings)
  const agent = errors.length === 0 ? built.agent : null
  if (agent === null) for (const router of built.agent?.routers.values() ?? []) router.free()
  return { parsed, system, errors, warnings, notes: order(notes), agent, level }
}

/** Releases what a check built (the route tables in the core) when the agent will not run. */
export function releaseChecked(result: Pick<CheckResult, 'agent'>): void {
  for (const router of result.agent?.routers.values() ?? []) router.free()
}

/** The model minus every `<source>` (`<system> without_source`); other elements are shared, not copied. */
function withoutSources(model: ConfigModel): ConfigModel {
  const strip = (elements: ConfigModel['root']['elements']): ConfigModel['root']['elements'] =>
    elements.filter((e) => e.name !== 'source').map((e) => (e.name === 'worker' ? { ...e, elements: strip(e.elements) } : e))
  return { ...model, root: { ...model.root, elements: strip(model.root.elements) } }
}

/** In reading order: files as they were read (the main one first), then lines. */
export function sortByPlace(list: ConfigError[], files: readonly string[]): ConfigError[] {
  const rank = (file: string) => {
    const i = files.indexOf(file)
    return i < 0 ? files.length : i
  }
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e.file) - rank(b.e.file) || a.e.line - b.e.line || a.i - b.i)
    .map(({ e }) => e)
}

/** The same message twice (a partial model after a parse error can repeat one) is reported once. */
export function dedupeProblems(list: ConfigError[]): ConfigError[] {
  const seen = new Set<string>()
  return list.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)))
}
