/**
 * @module The options of `sluice run`, `check` and `convert`, declared once for parsing and help,
 * and the shared readers (log level from `--log-level` / `-v` / `-q`, times, ports).
 */

import { parseTime } from '../../engine/config/types.ts'
import { LOG_LEVELS, type LogLevel } from '../../engine/log.ts'
import { LOG_FORMATS, type LogFormat } from '../log/sink.ts'
import { integerOption, stringOption, UsageError, type OptionSpec, type ParsedOptions } from './args.ts'

/** `-c`, `-i`, `-p`, worded for the command that reads the config (`run`, `check`). */
function configOptions(verb: string): readonly OptionSpec[] {
  return [
    {
      name: 'config',
      short: 'c',
      type: 'string',
      value: 'FILE',
      description: `fluent.conf to ${verb} (without it: the embedded default config)`,
    },
    { name: 'inline-config', short: 'i', type: 'string', value: 'TEXT', description: "config text appended to the file (Fluentd's -i)" },
    {
      name: 'plugin',
      short: 'p',
      type: 'string',
      value: 'PATH',
      repeat: true,
      description: 'extra plugin module or directory of modules (repeatable)',
    },
  ]
}

export const LOG_OPTIONS: readonly OptionSpec[] = [
  { name: 'log-level', type: 'string', value: 'LEVEL', description: `${LOG_LEVELS.join('|')} (beats <system> log_level; default info)` },
  { name: 'verbose', short: 'v', type: 'count', description: 'debug (-vv: trace)' },
  { name: 'quiet', short: 'q', type: 'count', description: 'warn (-qq: error)' },
  { name: 'log-format', type: 'string', value: 'FORMAT', description: 'text|json (beats <system><log> format)' },
  {
    name: 'log',
    short: 'o',
    type: 'string',
    value: 'PATH',
    description: 'append the log to a file instead of stderr (SIGUSR1 reopens it)',
  },
]

export const RUN_OPTIONS: readonly OptionSpec[] = [
  ...configOptions('run'),
  ...LOG_OPTIONS,
  {
    name: 'shutdown-timeout',
    type: 'string',
    value: 'TIME',
    description: 'longest graceful stop (and reload swap), e.g. 30s, 2m (default 30s)',
  },
  {
    name: 'api',
    type: 'flag',
    description: 'serve the HTTP API (off unless asked for here or by <system> http_server; --no-api: never)',
  },
  { name: 'api-bind', type: 'string', value: 'HOST', description: 'HTTP API address (implies --api; default 127.0.0.1)' },
  { name: 'api-port', type: 'string', value: 'PORT', description: 'HTTP API port (implies --api; default 24220; 0 picks a free one)' },
  {
    name: 'api-token',
    type: 'string',
    value: 'TOKEN',
    description: 'Bearer token that allows the designer to read and apply the config (or env SLUICE_API_TOKEN); implies --api',
  },
  { name: 'api-tap', type: 'flag', description: 'let the designer tap live events (GET /api/tap); implies --api' },
  {
    name: 'ui-dist',
    type: 'string',
    value: 'DIR',
    description: 'the built designer served under /ui/ (default ui/dist of this repo); implies --api',
  },
  {
    name: 'default-ports',
    type: 'string',
    value: 'PORTS',
    description: 'ports of the embedded default config: 0 for free ones, or FORWARD,HTTP[,API]',
  },
  { name: 'strict', type: 'flag', description: 'treat config warnings (unknown params, v0.12 forms…) as errors, also on reload' },
  { name: 'dry-run', type: 'flag', description: 'check the config and exit (same as sluice check)' },
  { name: 'help', short: 'h', type: 'flag', description: 'this help' },
  { name: 'version', type: 'flag', description: 'print the version' },
]

export const CHECK_OPTIONS: readonly OptionSpec[] = [
  ...configOptions('check'),
  { name: 'json', type: 'flag', description: 'print {ok, errors, warnings, notes, config} as JSON' },
  { name: 'strict', type: 'flag', description: 'treat warnings (unknown params, v0.12 forms, lenient values…) as errors' },
  { name: 'quiet', short: 'q', type: 'count', description: 'print only the problems, not the normalized config' },
  { name: 'help', short: 'h', type: 'flag', description: 'this help' },
]

export const TEST_OPTIONS: readonly OptionSpec[] = [
  ...configOptions('test'),
  { name: 'json', type: 'flag', description: 'print the results as JSON ({ok, tests: [{name, ok, failures, events}]})' },
  { name: 'help', short: 'h', type: 'flag', description: 'this help' },
]

export const CONVERT_OPTIONS: readonly OptionSpec[] = [
  { name: 'to', type: 'string', value: 'FORMAT', description: 'json|conf (default: the other one)' },
  { name: 'help', short: 'h', type: 'flag', description: 'this help' },
]

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000

/** `--log-level`, else `-v`/`-q`, else undefined (the config decides). */
export function logLevelOption(options: ParsedOptions): LogLevel | undefined {
  const text = stringOption(options, 'log-level')
  if (text !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(text))
      throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`)
    return text as LogLevel
  }
  const v = (options.verbose as number | undefined) ?? 0
  const q = (options.quiet as number | undefined) ?? 0
  if (v > 0) return v > 1 ? 'trace' : 'debug'
  if (q > 0) return q > 1 ? 'error' : 'warn'
  return undefined
}

export function logFormatOption(options: ParsedOptions): LogFormat | undefined {
  const text = stringOption(options, 'log-format')
  if (text === undefined) return undefined
  if (!(LOG_FORMATS as readonly string[]).includes(text))
    throw new UsageError(`--log-format must be text or json, got ${JSON.stringify(text)}`)
  return text as LogFormat
}

/** A Fluentd time value (`30s`, `2m`, `0.5`) in milliseconds. */
export function timeOptionMs(options: ParsedOptions, name: string, fallbackMs: number): number {
  const text = stringOption(options, name)
  if (text === undefined) return fallbackMs
  const parsed = parseTime(text)
  if (!parsed.ok || parsed.value < 0)
    throw new UsageError(`--${name}: ${parsed.ok ? 'must not be negative' : `${parsed.reason}; ${parsed.hint}`}`)
  return Math.round(parsed.value * 1000)
}

export function portOption(options: ParsedOptions, name: string, fallback: number): number {
  return integerOption(options, name, 0, 65535) ?? fallback
}
