/**
 * @module The `<system>` directive: Fluentd's process-wide settings, validated like a plugin's
 * params (file:line errors, unknown names with a suggestion). What sluice applies: `log_level`,
 * `<log> format`, `without_source`, `process_name`, `root_dir` (file buffers and chunk backups),
 * `workers` (one worker only), and sluice's own `http_server` / `http_bind` / `http_port` (the
 * daemon's HTTP API, off unless asked for, like Fluent Bit's `HTTP_Server`). Every other
 * Fluentd system param is accepted so existing configs load, with one warning saying it has no
 * effect in sluice.
 */

import { ConfigError } from '../../engine/config/errors.ts'
import { hasParam, type ConfigElement, type ConfigLocs, type ConfigModel } from '../../engine/config/model.ts'
import { validateElement, type ConfigOf, type PluginSchema } from '../../engine/config/schema.ts'
import { LOG_LEVELS, type LogLevel } from '../../engine/log.ts'
import type { LogFormat } from '../log/sink.ts'

const LEVELS = LOG_LEVELS as readonly string[]

/** Params sluice applies. */
const APPLIED = [
  'log_level',
  'without_source',
  'process_name',
  'workers',
  'suppress_config_dump',
  'root_dir',
  'http_server',
  'http_bind',
  'http_port',
]

/** Where the HTTP API listens when `http_server` is on and nothing else says. */
export const DEFAULT_HTTP_BIND = '127.0.0.1'
export const DEFAULT_HTTP_PORT = 24220

/** Fluentd system params accepted for compatibility, with no effect in sluice. */
const IGNORED = [
  'restart_worker_interval',
  'suppress_repeated_stacktrace',
  'emit_error_log_interval',
  'log_event_verbose',
  'ignore_repeated_log_interval',
  'ignore_same_log_interval',
  'with_source_only',
  'enable_input_metrics',
  'enable_size_metrics',
  'rpc_endpoint',
  'enable_get_dump',
  'file_permission',
  'dir_permission',
  'strict_config_value',
  'enable_msgpack_time_support',
  'disable_shared_socket',
  'enable_jit',
  'config_include_dir',
  'umask',
]

export const systemSchema = {
  params: [
    { name: 'log_level', type: 'enum', values: LEVELS, description: "Level of sluice's own log (the --log-level option wins)." },
    { name: 'without_source', type: 'bool', default: false, description: 'Start without any <source> (inputs are not started).' },
    { name: 'process_name', type: 'string', description: 'The process title (as shown by ps).' },
    { name: 'workers', type: 'integer', default: 1, description: "Fluentd's worker count; sluice runs one worker (worker 0)." },
    { name: 'suppress_config_dump', type: 'bool', default: false, description: 'sluice never dumps the config at start; accepted.' },
    {
      name: 'root_dir',
      type: 'string',
      description: 'Where file buffers without a path and chunk backups go (<root_dir>/backup/<plugin_id>/…).',
    },
    {
      name: 'http_server',
      type: 'bool',
      default: false,
      description:
        "Serve the daemon's HTTP API (/api/plugins.json, /metrics, /healthz, the route designer) on http_bind:http_port (sluice's; Fluent Bit's HTTP_Server).",
    },
    { name: 'http_bind', type: 'string', default: DEFAULT_HTTP_BIND, description: 'Address of the HTTP API (with http_server).' },
    {
      name: 'http_port',
      type: 'integer',
      default: DEFAULT_HTTP_PORT,
      description: 'Port of the HTTP API (with http_server; 0 picks a free one).',
    },
    ...IGNORED.map((name) => ({ name, type: 'string' as const, description: 'Fluentd system param; no effect in sluice.' })),
  ],
  sections: [
    {
      name: 'log',
      description: "Format of sluice's own log.",
      schema: {
        params: [
          {
            name: 'format',
            type: 'enum',
            values: ['text', 'json'],
            default: 'text',
            description: 'text or json lines (the --log-format option wins).',
          },
          { name: 'time_format', type: 'string', description: 'Accepted; sluice writes ISO 8601 UTC times.' },
          { name: 'rotate_age', type: 'string', description: 'Accepted; use logrotate and SIGUSR1 instead.' },
          { name: 'rotate_size', type: 'string', description: 'Accepted; use logrotate and SIGUSR1 instead.' },
          { name: 'forced_stacktrace_level', type: 'string', description: 'Accepted; no effect.' },
        ],
      },
    },
    {
      name: 'metrics',
      description: 'Fluentd metrics plugin settings; no effect in sluice.',
      schema: { params: [], additionalParams: true },
    },
    { name: 'counter_server', description: 'Fluentd counter server; no effect in sluice.', schema: { params: [], additionalParams: true } },
    { name: 'counter_client', description: 'Fluentd counter client; no effect in sluice.', schema: { params: [], additionalParams: true } },
    {
      name: 'source_only_buffer',
      description: 'Fluentd source-only buffer; no effect in sluice.',
      schema: { params: [], additionalParams: true },
    },
  ],
} as const satisfies PluginSchema

export interface SystemConfig {
  logLevel: LogLevel | undefined
  logFormat: LogFormat | undefined
  withoutSource: boolean
  processName: string | undefined
  workers: number
  rootDir: string | undefined
  /** `http_server`: the daemon serves its HTTP API on `httpBind:httpPort`. */
  httpServer: boolean
  httpBind: string
  httpPort: number
}

export interface SystemResult {
  system: SystemConfig
  errors: ConfigError[]
  warnings: ConfigError[]
}

/** Reads and validates the `<system>` directive (at most one, at the top level). */
export function readSystem(model: ConfigModel, locs: ConfigLocs | undefined): SystemResult {
  const elements = model.root.elements.filter((e) => e.name === 'system')
  const system: SystemConfig = {
    logLevel: undefined,
    logFormat: undefined,
    withoutSource: false,
    processName: undefined,
    workers: 1,
    rootDir: undefined,
    httpServer: false,
    httpBind: DEFAULT_HTTP_BIND,
    httpPort: DEFAULT_HTTP_PORT,
  }
  const errors: ConfigError[] = []
  const warnings: ConfigError[] = []
  if (elements.length === 0) return { system, errors, warnings }
  const [element, ...extra] = elements
  for (const e of extra)
    errors.push(
      problem(locs, e, 'error', '<system> appears twice', `the first one is at line ${locs?.get(element)?.line ?? '?'}; merge them`),
    )
  const result = validateElement(element, systemSchema, locs)
  errors.push(...result.errors)
  warnings.push(...result.warnings)
  const config = result.config as ConfigOf<typeof systemSchema>
  system.logLevel = config.log_level as LogLevel | undefined
  system.logFormat = config.log?.format as LogFormat | undefined
  system.withoutSource = config.without_source
  system.processName = config.process_name
  system.workers = config.workers
  system.rootDir = config.root_dir
  system.httpServer = config.http_server
  system.httpBind = config.http_bind
  system.httpPort = config.http_port
  if (config.http_port < 0 || config.http_port > 65535)
    errors.push(
      problem(locs, element, 'error', `http_port ${config.http_port} is not a port`, 'use 0 to 65535 (0 picks a free one)', 'http_port'),
    )
  if (config.workers > 1) {
    warnings.push(
      problem(
        locs,
        element,
        'warning',
        `workers ${config.workers}: sluice runs a single worker`,
        'the directives for worker 0 run; run several sluice processes to use more cores',
        'workers',
      ),
    )
  }
  for (const name of IGNORED) {
    if (hasParam(element, name))
      warnings.push(
        problem(locs, element, 'warning', `${name} in <system> has no effect in sluice`, 'remove it, or keep it for Fluentd', name),
      )
  }
  for (const child of element.elements) {
    if (child.name !== 'log')
      warnings.push(
        problem(locs, child, 'warning', `<${child.name}> in <system> has no effect in sluice`, 'remove it, or keep it for Fluentd'),
      )
  }
  return { system, errors, warnings }
}

/** True for the params sluice applies (for docs and tests). */
export function isAppliedSystemParam(name: string): boolean {
  return APPLIED.includes(name)
}

function problem(
  locs: ConfigLocs | undefined,
  element: ConfigElement,
  severity: 'error' | 'warning',
  reason: string,
  hint: string,
  param?: string,
): ConfigError {
  const loc = locs?.get(element)
  const at = (param ? loc?.params.get(param) : undefined) ?? loc
  return new ConfigError({ file: at?.file ?? '(config)', line: at?.line ?? 0, reason, hint, includedFrom: at?.includedFrom, severity })
}
