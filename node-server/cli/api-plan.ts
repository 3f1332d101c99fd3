/**
 * @module Whether `sluice run` serves its HTTP API, and where. Off unless asked for (Fluentd opens
 * no port without `monitor_agent`, Fluent Bit's `HTTP_Server` is off by default), so two daemons
 * with different configs run side by side. Asked for by a flag (`--api`, `--api-port`,
 * `--api-bind`, `--api-token`, `--api-tap`, `--ui-dist`), or by the config's
 * `<system> http_server true` (with `http_bind` / `http_port`; the embedded default config has it).
 * `--no-api` turns it off whatever the config says. Flags beat `<system>` field by field. A
 * `<source @type monitor_agent>` is a plugin that serves the API on its own port; it is reported
 * here so the log can say where the API is.
 */

import type { ConfigElement, ConfigLocs } from '../../engine/config/model.ts'
import { describeSource, parseSource, type ConfigSource } from '../ops/prepare.ts'
import { readSystem } from '../../engine/check/system.ts'
import { stringOption, UsageError, type ParsedOptions } from './args.ts'
import { portOption } from './options.ts'

export interface ApiPlan {
  serve: boolean
  bind: string
  port: number
  /** What sets the port (named in the port-in-use line). */
  portSetting: string
  /** What sets the address. */
  bindSetting: string
  /** Why the API is on or off (debug log). */
  reason: string
  /** `file:line` of a `<source @type monitor_agent>`, when the config has one. */
  monitorAgent?: string
}

/** The flags that ask for the API (any of them turns it on). */
const API_FLAGS = ['api-port', 'api-bind', 'api-token', 'ui-dist'] as const

export function planApi(options: ParsedOptions, source: ConfigSource): ApiPlan {
  const flag = options.api === true ? '--api' : askedBy(options)
  if (options.api === false && flag !== undefined) throw new UsageError(`--no-api contradicts ${flag}: drop one of them`)
  const parsed = parseSource(source)
  // Config errors are reported by the start itself; here a broken <system> just reads as absent.
  const { system } = readSystem(parsed.config, parsed.locs)
  const systemElement = parsed.config.root.elements.find((e) => e.name === 'system')
  const monitorAgent = monitorAgentAt(parsed.config.root.elements, parsed.locs, describeSource(source))
  const embedded = source.kind === 'text'
  const where = (param: string) =>
    embedded
      ? `${param} of the embedded default config: --default-ports FORWARD,HTTP,API or --api-${param === 'http_port' ? 'port' : 'bind'}`
      : `${param} in <system>${at(systemElement, parsed.locs, param)}`
  const apiPort = stringOption(options, 'api-port')
  const apiBind = stringOption(options, 'api-bind')
  const plan = {
    bind: apiBind ?? system.httpBind,
    port: portOption(options, 'api-port', system.httpPort),
    portSetting: apiPort !== undefined ? '--api-port' : where('http_port'),
    bindSetting: apiBind !== undefined ? '--api-bind' : where('http_bind'),
    monitorAgent,
  }
  if (options.api === false) return { ...plan, serve: false, reason: '--no-api' }
  if (flag !== undefined) return { ...plan, serve: true, reason: flag }
  if (system.httpServer) return { ...plan, serve: true, reason: `http_server in <system>${at(systemElement, parsed.locs, 'http_server')}` }
  return { ...plan, serve: false, reason: 'not asked for (--api, or <system> http_server true)' }
}

function askedBy(options: ParsedOptions): string | undefined {
  for (const name of API_FLAGS) if (stringOption(options, name) !== undefined) return `--${name}`
  return options['api-tap'] === true ? '--api-tap' : undefined
}

/** ` at file:line` of a param of an element (or of the element), '' when unknown. */
function at(element: ConfigElement | undefined, locs: ConfigLocs | undefined, param: string): string {
  const loc = element ? locs?.get(element) : undefined
  const place = loc?.params.get(param) ?? loc
  return place ? ` at ${place.file}:${place.line}` : ''
}

/** Where the config declares a monitor_agent source (`file:line`), if it does. */
function monitorAgentAt(elements: readonly ConfigElement[], locs: ConfigLocs | undefined, name: string): string | undefined {
  for (const e of elements) {
    if (e.name === 'source' && (e.params['@type'] ?? e.params.type) === 'monitor_agent') {
      const loc = locs?.get(e)
      return loc ? `${loc.file}:${loc.line}` : name
    }
    if (e.name === 'worker') {
      const inner = monitorAgentAt(e.elements, locs, name)
      if (inner) return inner
    }
  }
  return undefined
}
