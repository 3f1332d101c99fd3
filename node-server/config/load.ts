/**
 * @module Node host for the config parser: reads fluent.conf and its @include files from disk,
 * expands simple globs, and supplies process.env, the hostname and the worker id.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { homedir, hostname } from 'node:os'
import { parseConfigFile, type ConfigHost, type ParseResult } from '../../engine/config/parse.ts'

export interface LoadOptions {
  env?: Readonly<Record<string, string | undefined>>
  hostname?: string
  workerId?: number
  cwd?: string
  home?: string
  /** Where files come from (default: the disk); a config snapshot records or replays them. */
  files?: FileAccess
}

/** Reading config files: the main one, its `@include`s and their globs. */
export interface FileAccess {
  readFile(path: string): string
  glob(pattern: string): string[]
}

export const DISK: FileAccess = { readFile: (path) => readFileSync(path, 'utf8'), glob: (pattern) => globFiles(pattern) }

/**
 * Parses a config file and everything it includes. Never throws for config problems: they are in
 * `errors` (a missing main file is one error too).
 *
 * @example
 * const { config, locs, errors } = loadConfigFile('/etc/sluice/fluent.conf')
 */
export function loadConfigFile(path: string, options: LoadOptions = {}): ParseResult {
  return parseConfigFile(path, nodeConfigHost(options))
}

/** The `ConfigHost` for Node; exported for `sluice check` and tests. */
export function nodeConfigHost(options: LoadOptions = {}): ConfigHost {
  const files = options.files ?? DISK
  return {
    readFile: (path) => files.readFile(path),
    glob: (pattern) => files.glob(pattern),
    env: options.env ?? process.env,
    hostname: options.hostname ?? hostname(),
    workerId: options.workerId ?? workerIdFromEnv(options.env ?? process.env),
    cwd: options.cwd ?? process.cwd(),
    home: options.home ?? homedir(),
  }
}

/** Fluentd's supervisor sets SERVERENGINE_WORKER_ID; a single process is worker 0. */
function workerIdFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const id = Number(env.SERVERENGINE_WORKER_ID ?? '0')
  return Number.isInteger(id) && id >= 0 ? id : 0
}

/**
 * Files matching a pattern whose glob characters (`*`, `?`, `[...]`) are in the last segment only.
 * Like Ruby's Dir.glob, `*` and `?` do not match a leading dot, and directories are skipped.
 */
export function globFiles(pattern: string): string[] {
  const slash = pattern.lastIndexOf('/')
  const dir = slash < 0 ? '.' : slash === 0 ? '/' : pattern.slice(0, slash)
  const last = pattern.slice(slash + 1)
  if (/[*?[{]/.test(dir)) {
    throw new Error(`glob characters are supported only in the last path segment: ${pattern}`)
  }
  const matcher = segmentMatcher(last)
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const prefix = slash < 0 ? '' : dir === '/' ? '/' : `${dir}/`
  return names
    .filter((name) => matcher.test(name) && !(name.startsWith('.') && !last.startsWith('.')))
    .map((name) => prefix + name)
    .filter((path) => {
      try {
        return statSync(path).isFile()
      } catch {
        return false
      }
    })
    .sort()
}

function segmentMatcher(segment: string): RegExp {
  let source = ''
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]
    if (c === '*') source += '.*'
    else if (c === '?') source += '.'
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1)
      if (end < 0) source += '\\['
      else {
        source += `[${segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else if (c === '{') {
      const end = segment.indexOf('}', i + 1)
      if (end < 0) source += '\\{'
      else {
        source += `(?:${segment
          .slice(i + 1, end)
          .split(',')
          .map(escapeRegExp)
          .join('|')})`
        i = end
      }
    } else source += escapeRegExp(c)
  }
  return new RegExp(`^${source}$`, 's')
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
