/**
 * @module The `<system>` directive: Fluentd's process-wide settings (every param of Fluentd's
 * system_config.rb, typed as Fluentd types them). What sluice applies: `log_level`, `<log>
 * format`, `without_source`, `process_name`, `root_dir` (file buffers and chunk backups),
 * `workers` (N > 1: a supervisor and N worker processes, node-server/ops/workers), `strict_config_value`, `suppress_config_dump` (sluice
 * never dumps), and sluice's own `http_server` / `http_bind` / `http_port` (the daemon's HTTP API,
 * off unless asked for, like Fluent Bit's `HTTP_Server`). The other Fluentd params are accepted and
 * reported in ONE info line; keys Fluentd
 * does not know either (e.g. Fluent Bit's `Log_Level`) are ignored like Fluentd ignores them, each
 * with an info line (and a "did you mean").
 */

import { ConfigError } from '../config/errors.ts'
import { createElement, hasParam, type ConfigElement, type ConfigLocs, type ConfigModel } from '../config/model.ts'
import { validateElement, type ConfigOf, type PluginSchema, type SectionSpec } from '../config/schema.ts'
import { closest } from '../config/suggest.ts'
import { LOG_LEVELS, type LogLevel } from '../log.ts'
/** The format of sluice's own log lines (node-server/log/sink.ts writes them). */
export type LogFormat = 'text' | 'json'

const LEVELS = LOG_LEVELS as readonly string[]

/** Params sluice applies. */
const APPLIED = [
  'log_level',
  'without_source',
  'process_name',
  'workers',
  'suppress_config_dump',
  'root_dir',
  'strict_config_value',
  'http_server',
  'http_bind',
  'http_port',
]

/** Where the HTTP API listens when `http_server` is on and nothing else says. */
export const DEFAULT_HTTP_BIND = '127.0.0.1'
export const DEFAULT_HTTP_PORT = 24220

const noEffect = 'Fluentd system param; no effect in sluice.'

/** Fluentd system params accepted for compatibility, with no effect in sluice (system_config.rb, v1.18 and later). */
const IGNORED_PARAMS = [
  { name: 'restart_worker_interval', type: 'time' },
  { name: 'suppress_repeated_stacktrace', type: 'bool' },
  { name: 'ignore_repeated_log_interval', type: 'time' },
  { name: 'ignore_same_log_interval', type: 'time' },
  { name: 'emit_error_log_interval', type: 'time' },
  { name: 'log_event_verbose', type: 'bool' },
  { name: 'with_source_only', type: 'bool' },
  { name: 'rpc_endpoint', type: 'string' },
  { name: 'enable_get_dump', type: 'bool' },
  { name: 'enable_msgpack_time_support', type: 'bool' },
  { name: 'disable_shared_socket', type: 'bool' },
  { name: 'enable_input_metrics', type: 'bool' },
  { name: 'enable_size_metrics', type: 'bool' },
  { name: 'enable_jit', type: 'bool' },
  { name: 'file_permission', type: 'string' },
  { name: 'dir_permission', type: 'string' },
  { name: 'config_include_dir', type: 'string' },
  { name: 'umask', type: 'string' },
] as const

const looseSection = (name: string, params: readonly string[]): SectionSpec => ({
  name,
  description: `Fluentd's <${name}>; no effect in sluice.`,
  schema: { params: params.map((p) => ({ name: p, type: 'string' as const, description: noEffect })) },
})

export const systemSchema = {
  params: [
    { name: 'log_level', type: 'enum', values: LEVELS, description: "Level of sluice's own log (the --log-level option wins)." },
    { name: 'without_source', type: 'bool', default: false, description: 'Start without any <source> (inputs are not started).' },
    { name: 'process_name', type: 'string', description: 'The process title (as shown by ps).' },
    {
      name: 'workers',
      type: 'integer',
      default: 1,
      description:
        'Worker processes: with more than 1, a supervisor runs that many, sharing the listening ports (<worker N> pins directives).',
    },
    { name: 'suppress_config_dump', type: 'bool', default: false, description: 'sluice never dumps the config at start; accepted.' },
    {
      name: 'strict_config_value',
      type: 'bool',
      default: false,
      description: 'Integers, floats and bools that do not parse are errors (else read as Fluentd reads them, with a warning).',
    },
    {
      name: 'root_dir',
      type: 'string',
      description: 'Where file buffers without a path and chunk backups go (<root_dir>/backup/worker<N>/<plugin_id>/…).',
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
    ...IGNORED_PARAMS.map((p) => ({ ...p, description: noEffect })),
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
          { name: 'path', type: 'string', description: 'Accepted; sluice logs to stderr or to the -o PATH file.' },
          { name: 'time_format', type: 'string', description: 'Accepted; sluice writes ISO 8601 UTC times.' },
          { name: 'rotate_age', type: 'string', description: 'Accepted; use logrotate and SIGUSR1 instead.' },
          { name: 'rotate_size', type: 'string', description: 'Accepted; use logrotate and SIGUSR1 instead.' },
          { name: 'forced_stacktrace_level', type: 'string', description: 'Accepted; no effect.' },
        ],
      },
    },
    {
      name: 'metrics',
      description: 'Fluentd metrics plugin settings; no effect in sluice (it serves /metrics itself).',
      schema: { params: [{ name: 'labels', type: 'string', description: noEffect }] },
    },
    looseSection('counter_server', ['scope', 'port', 'bind', 'backup_path']),
    looseSection('counter_client', ['port', 'host', 'timeout']),
    looseSection('source_only_buffer', [
      'flush_thread_count',
      'overflow_action',
      'path',
      'flush_interval',
      'chunk_limit_size',
      'total_limit_size',
      'compress',
    ]),
  ],
} as const satisfies PluginSchema

export interface SystemConfig {
  logLevel: LogLevel | undefined
  logFormat: LogFormat | undefined
  withoutSource: boolean
  processName: string | undefined
  workers: number
  rootDir: string | undefined
  /** Fluentd's strict_config_value. */
  strictConfigValue: boolean
  /** `http_server`: the daemon serves its HTTP API on `httpBind:httpPort`. */
  httpServer: boolean
  httpBind: string
  httpPort: number
}

export interface SystemResult {
  system: SystemConfig
  errors: ConfigError[]
  warnings: ConfigError[]
  /** Info lines: what sluice ignores (Fluentd params with no effect, keys Fluentd ignores too). */
  notes: ConfigError[]
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
    strictConfigValue: false,
    httpServer: false,
    httpBind: DEFAULT_HTTP_BIND,
    httpPort: DEFAULT_HTTP_PORT,
  }
  const errors: ConfigError[] = []
  const warnings: ConfigError[] = []
  const notes: ConfigError[] = []
  if (elements.length === 0) return { system, errors, warnings, notes }
  const [written, ...extra] = elements
  for (const e of extra)
    errors.push(
      problem(locs, e, 'error', '<system> appears twice', `the first one is at line ${locs?.get(written)?.line ?? '?'}; merge them`),
    )
  const element = withoutUnknown(written, locs, notes)
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
  system.strictConfigValue = config.strict_config_value
  system.httpServer = config.http_server
  system.httpBind = config.http_bind
  system.httpPort = config.http_port
  if (config.http_port < 0 || config.http_port > 65535)
    errors.push(
      problem(locs, element, 'error', `http_port ${config.http_port} is not a port`, 'use 0 to 65535 (0 picks a free one)', 'http_port'),
    )
  if (config.workers < 1)
    errors.push(
      problem(locs, element, 'error', `invalid number of workers (must be > 0): ${config.workers}`, 'write workers 1 or more', 'workers'),
    )
  const log = element.elements.find((child) => child.name === 'log')
  const ignored = [
    ...IGNORED_PARAMS.map((p) => p.name).filter((name) => hasParam(element, name)),
    ...Object.keys(log?.params ?? {})
      .filter((key) => key !== 'format')
      .map((key) => `<log> ${key}`),
    ...element.elements.filter((child) => child.name !== 'log').map((child) => `<${child.name}>`),
  ]
  if (ignored.length > 0) {
    notes.push(
      problem(
        locs,
        written,
        'info',
        `<system> settings with no effect in sluice: ${ignored.join(', ')}`,
        'sluice accepts them so Fluentd configs load; sluice logs, serves metrics and handles workers its own way (see node-server/ops/README.md)',
      ),
    )
  }
  return { system, errors, warnings, notes }
}

/** The element minus the params and sections Fluentd's <system> does not know (each reported as a note). */
function withoutUnknown(element: ConfigElement, locs: ConfigLocs | undefined, notes: ConfigError[]): ConfigElement {
  const known = new Set<string>(systemSchema.params.map((p) => p.name))
  const sections = new Set<string>(systemSchema.sections.map((s) => s.name))
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(element.params)) {
    if (known.has(key) || key.startsWith('@')) {
      params[key] = value
      continue
    }
    const near = closest(key, [...known])
    notes.push(
      problem(
        locs,
        element,
        'info',
        `unknown <system> param '${key}' is ignored, as Fluentd ignores it`,
        near ? `did you mean ${near}?` : 'Fluentd system params: see docs/plugins.md and node-server/ops/README.md',
        key,
      ),
    )
  }
  const children = element.elements.filter((child) => {
    if (sections.has(child.name)) return true
    notes.push(problem(locs, child, 'info', `unknown section <${child.name}> in <system> is ignored, as Fluentd ignores it`, 'remove it'))
    return false
  })
  if (children.length === element.elements.length && Object.keys(params).length === Object.keys(element.params).length) return element
  const copy = createElement(element.name, element.arg, params, children)
  const loc = locs?.get(element)
  if (locs && loc) locs.set(copy, loc)
  return copy
}

/** True for the params sluice applies (for docs and tests). */
export function isAppliedSystemParam(name: string): boolean {
  return APPLIED.includes(name)
}

function problem(
  locs: ConfigLocs | undefined,
  element: ConfigElement,
  severity: 'error' | 'warning' | 'info',
  reason: string,
  hint: string,
  param?: string,
): ConfigError {
  const loc = locs?.get(element)
  const at = (param ? loc?.params.get(param) : undefined) ?? loc
  return new ConfigError({ file: at?.file ?? '(config)', line: at?.line ?? 0, reason, hint, includedFrom: at?.includedFrom, severity })
}
