/**
 * @module From a config source to a built, not yet started agent: parse (file with @include, or
 * text such as the embedded default), then engine/check's `checkParsed` (`<system>`, structure,
 * every plugin validated and built) with the Node registry, buffer services and core. One path for
 * `sluice run`, `sluice check`, SIGHUP reload and the designer (which runs the same checkParsed in
 * the browser), so all of them agree on what is valid.
 */

import { readFileSync } from 'node:fs'
import { hostname as osHostname } from 'node:os'
import type { Agent } from '../../engine/agent.ts'
import { checkParsed } from '../../engine/check/check.ts'
import { ConfigError } from '../../engine/config/errors.ts'
import { parseConfig, type ParseResult } from '../../engine/config/parse.ts'
import type { Logger, LogLevel } from '../../engine/log.ts'
import type { PluginRegistry } from '../../engine/plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { loadCore } from '../../wasm/load-node.ts'
import { nodeBufferServices } from '../buffer/services.ts'
import { loadConfigFile, nodeConfigHost } from '../config/load.ts'
import { readSystem, type SystemConfig } from '../../engine/check/system.ts'

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
  const core = await loadCore()
  // The first pass reads <system> for root_dir (the buffer services need it before plugins are built).
  const rootDir = readSystem(parsed.config, parsed.locs).system.rootDir
  const checked = checkParsed(parsed, {
    core,
    registry: options.registry,
    runtime: 'node',
    logger: options.logger,
    levelOverride: options.levelOverride,
    hostname: options.hostname ?? osHostname(),
    services: { ...nodeBufferServices({ rootDir: rootDir ?? null }), stdout: (bytes) => process.stdout.write(bytes) },
    strict: options.strict,
  })
  return { ...checked, core }
}
