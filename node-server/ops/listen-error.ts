/**
 * @module One line for a listener that could not open, naming the port and the config option that
 * changes it: `sluice: port 24224 is in use (in_forward 'port' in <source> at fluent.conf:3); set
 * another port`. No stack trace: this is an operator's mistake, not a bug.
 */

import type { PluginEntry } from '../../engine/agent.ts'
import type { ConfigLocs } from '../../engine/config/model.ts'
import type { ListenEvent } from './listener-pool.ts'

/** Fluentd's name for a plugin in messages: in_forward, out_http, filter_grep. */
export function pluginName(kind: string, type: string): string {
  return `${kind === 'input' ? 'in' : kind === 'output' ? 'out' : 'filter'}_${type}`
}

/** Where the option that sets the port is (or would be) written. */
function where(entry: PluginEntry | undefined, locs: ConfigLocs | undefined, param: string): string {
  if (entry === undefined) return ''
  const loc = locs?.get(entry.element)
  const written = loc?.params.get(param)
  const at = written ?? loc
  const file = at ? `${at.file}:${at.line}` : '(config)'
  return ` (${pluginName(entry.kind, entry.type)} '${param}' in <${entry.element.name}> at ${file}${written ? '' : ', default'})`
}

/**
 * The message for a failed listen. `entries`/`locs` locate the plugin; `extraHint` is appended
 * (e.g. how to change the embedded default config's ports).
 */
export function listenFailureMessage(
  event: ListenEvent,
  entries: readonly PluginEntry[],
  locs: ConfigLocs | undefined,
  extraHint = '',
): string {
  const entry =
    entries.find((e) => e.id === event.owner?.pluginId && e.type === event.owner?.type) ??
    entries.find((e) => e.kind === 'input' && Number(e.element.params.port) === event.port)
  const code = event.error?.code ?? 'error'
  const host = event.host === '' ? '*' : event.host
  const portAt = where(entry, locs, 'port')
  const bindAt = where(entry, locs, 'bind')
  const tail = extraHint ? `; ${extraHint}` : ''
  switch (code) {
    case 'EADDRINUSE':
      return `sluice: port ${event.port} is in use${portAt}; set another port${tail}`
    case 'EACCES':
      return `sluice: no permission to listen on port ${event.port}${portAt}; use a port above 1023 or give node CAP_NET_BIND_SERVICE${tail}`
    case 'EADDRNOTAVAIL':
      return `sluice: address ${host} is not on this host${bindAt}; set another bind address${tail}`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `sluice: cannot resolve bind address ${host}${bindAt}; set another bind address${tail}`
    default:
      return `sluice: cannot listen on ${host}:${event.port}: ${event.error?.message ?? code}${portAt}${tail}`
  }
}
