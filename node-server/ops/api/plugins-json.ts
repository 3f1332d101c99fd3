/**
 * @module The plugin list in Fluentd monitor_agent's shape (`GET /api/plugins.json`): plugin_id,
 * plugin_category, type, config (the element's own params, secrets masked as Fluentd does),
 * output_plugin, retry_count, emit_records / emit_size / emit_count / write_count /
 * rollback_count from the plugin's counters, then the output's own `status()` fields (buffer
 * sizes, retry state), which win over the counters.
 */

import type { PluginEntry } from '../../../engine/agent.ts'
import type { ConfigElement } from '../../../engine/config/model.ts'
import type { PluginSchema } from '../../../engine/config/schema.ts'
import type { OutputPlugin, PluginRegistry } from '../../../engine/plugin.ts'
import { SECRET_MASK } from '../secrets.ts'

export interface PluginsQuery {
  withConfig: boolean
  withRetry: boolean
  /** Keep only this @id / @type (Fluentd's `@id=` and `type=` / `@type=` query params). */
  id?: string
  type?: string
}

/** The element's params with the schema's secret params masked (nested sections are not listed). */
export function maskedParams(element: ConfigElement, schema: PluginSchema | undefined): Record<string, string> {
  const secret = new Set<string>()
  for (const p of schema?.params ?? []) {
    if (!p.secret) continue
    secret.add(p.name)
    if (p.alias) secret.add(p.alias)
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(element.params)) out[k] = secret.has(k) ? SECRET_MASK : v
  return out
}

/** An output's status(), or an error note when it throws. */
export function statusOf(entry: PluginEntry): Record<string, unknown> {
  const status = (entry.plugin as OutputPlugin).status
  if (typeof status !== 'function') return {}
  try {
    return status.call(entry.plugin) ?? {}
  } catch (error) {
    return { status_error: error instanceof Error ? error.message : String(error) }
  }
}

/** One plugin in monitor_agent's shape. */
export function pluginInfo(entry: PluginEntry, registry: PluginRegistry, query: PluginsQuery): Record<string, unknown> {
  const m = entry.metrics
  const isOutput = entry.kind === 'output'
  const info: Record<string, unknown> = {
    plugin_id: entry.id,
    plugin_category: entry.kind,
    type: entry.type,
  }
  if (query.withConfig) info.config = maskedParams(entry.element, registry.get(entry.kind, entry.type)?.schema)
  info.output_plugin = isOutput
  info.retry_count = isOutput ? m.retries : null
  info.emit_records = m.eventsIn
  info.emit_size = m.bytesIn
  if (isOutput) {
    info.emit_count = m.emits
    info.write_count = m.writes
    info.rollback_count = m.rollbacks
  }
  // sluice's own counters, under names monitor_agent does not use.
  info.events_out = m.eventsOut
  info.dropped_records = m.dropped
  info.error_count = m.errors
  info.label = entry.label
  if (isOutput) {
    const status = statusOf(entry)
    for (const [k, v] of Object.entries(status)) {
      if (k === 'retry' && !query.withRetry) continue
      info[k] = v
    }
  }
  return info
}

/** `{"plugins": [...]}` for the running agent. */
export function pluginsJson(
  entries: readonly PluginEntry[],
  registry: PluginRegistry,
  query: PluginsQuery,
): { plugins: Record<string, unknown>[] } {
  const order = ['input', 'filter', 'output']
  const plugins = [...entries]
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
    .filter((e) => (query.id === undefined || e.id === query.id) && (query.type === undefined || e.type === query.type))
    .map((e) => pluginInfo(e, registry, query))
  return { plugins }
}

/** Fluentd's `GET /api/plugins`: one LTSV line per plugin. */
export function pluginsLtsv(entries: readonly PluginEntry[]): string {
  return (
    entries
      .map((e) =>
        [
          `plugin_id:${e.id}`,
          `plugin_category:${e.kind}`,
          `type:${e.type}`,
          `output_plugin:${e.kind === 'output'}`,
          `retry_count:${e.kind === 'output' ? e.metrics.retries : ''}`,
        ].join('\t'),
      )
      .join('\n') + (entries.length ? '\n' : '')
  )
}
