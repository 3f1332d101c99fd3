/**
 * @module From a config source to a built, not yet started agent: parse (file with @include, or
 * text such as the embedded default), read `<system>`, build every plugin (which validates each
 * one against its schema). One path for `sluice run`, `sluice check` and SIGHUP reload, so the
 * three agree on what is valid.
 */

import { readFileSync } from 'node:fs'
import { hostname as osHostname } from 'node:os'
import { buildAgent, type Agent } from '../../engine/agent.ts'
import { asError, ConfigError } from '../../engine/config/errors.ts'
import type { ConfigModel } from '../../engine/config/model.ts'
import { parseConfig, type ParseResult } from '../../engine/config/parse.ts'
import type { Logger, LogLevel } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { nodeBufferServices } from '../buffer/services.ts'
import { loadConfigFile, nodeConfigHost } from '../config/load.ts'
import { readSystem, type SystemConfig } from './system.ts'

/** A config file (plus Fluentd's `-i` inline text appended to it), or config text. */
export type ConfigSource = { kind: 'file'; path: string; inline?: string } | { kind: 'text'; text: string; name: string }

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
  return source.kind === 'file' ? source.path : source.name
}

/** Parses a source; never throws for config problems (an unreadable file is one error). */
export function parseSource(source: ConfigSource, options: Pick<PrepareOptions, 'env' | 'hostname'> = {}): ParseResult {
  const host = nodeConfigHost({ env: options.env, hostname: options.hostname })
  if (source.kind === 'text') return parseConfig(source.text, source.name, host)
  if (source.inline === undefined || source.inline === '')
    return loadConfigFile(source.path, { env: options.env, hostname: options.hostname })
  let text: string
  try {
    text = readFileSync(source.path, 'utf8')
  } catch (error) {
    const result = parseConfig('', source.path, {})
    result.errors.push(
      new ConfigError({
        file: source.path,
        line: 1,
        reason: `cannot read config file: ${(error as Error).message}`,
        hint: 'check the path given with -c',
      }),
    )
    return result
  }
  return parseConfig(`${text}\n${source.inline}\n`, source.path, host)
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
  const { system, errors: systemErrors, warnings: systemWarnings, notes } = readSystem(parsed.config, parsed.locs)
  const level = options.levelOverride ?? system.logLevel ?? 'info'
  const core = await loadCore()
  const model = system.withoutSource ? withoutSources(parsed.config) : parsed.config
  const built = buildAgent(model, parsed.locs, {
    core,
    registry: options.registry,
    log: options.logger(level),
    runtime: 'node',
    hostname: options.hostname ?? osHostname(),
    services: { ...nodeBufferServices({ rootDir: system.rootDir ?? null }), stdout: (bytes) => process.stdout.write(bytes) },
    strictValues: system.strictConfigValue,
  })
  const order = (list: ConfigError[]) => sortByPlace(dedupe(list), parsed.files)
  const allWarnings = [...parsed.warnings, ...systemWarnings, ...built.warnings]
  const errors = order([...parsed.errors, ...systemErrors, ...built.errors, ...(options.strict ? allWarnings.map(asError) : [])])
  const warnings = options.strict ? [] : order(allWarnings)
  const agent = errors.length === 0 ? built.agent : null
  if (agent === null) for (const router of built.agent?.routers.values() ?? []) router.free()
  return { parsed, system, errors, warnings, notes: order(notes), agent, core, level }
}

/** The model minus every `<source>` (`<system> without_source`); other elements are shared, not copied. */
function withoutSources(model: ConfigModel): ConfigModel {
  const strip = (elements: ConfigModel['root']['elements']): ConfigModel['root']['elements'] =>
    elements.filter((e) => e.name !== 'source').map((e) => (e.name === 'worker' ? { ...e, elements: strip(e.elements) } : e))
  return { ...model, root: { ...model.root, elements: strip(model.root.elements) } }
}

/** In reading order: files as they were read (the main one first), then lines. */
function sortByPlace(list: ConfigError[], files: readonly string[]): ConfigError[] {
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
function dedupe(list: ConfigError[]): ConfigError[] {
  const seen = new Set<string>()
  return list.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)))
}
