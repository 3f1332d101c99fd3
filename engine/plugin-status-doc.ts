/**
 * @module Renders docs/plugins.md from the plugin-status table and the runtimes' registries, so
 * the page never drifts from what sluice runs (test/docs/plugins-doc.test.ts compares them;
 * `npx tsx scripts/plugins-doc.ts` writes the page).
 */

import type { PluginRegistry, Runtime } from './plugin.ts'
import { FLUENT_BIT_PLUGINS, KNOWN_PLUGINS, knownPlugin, type EcosystemKind, type KnownPlugin, type PluginStatus } from './plugin-status.ts'

const STATUS_TEXT: Record<PluginStatus, string> = {
  implemented: '**implemented**',
  planned: 'planned (this round)',
  'not-implemented': 'not implemented',
}

const RUNTIME_TEXT: Record<Runtime, string> = { node: 'daemon', workers: 'edge', browser: 'designer' }

const KIND_TITLES: [EcosystemKind, string][] = [
  ['input', 'Inputs (`<source>`)'],
  ['filter', 'Filters (`<filter>`)'],
  ['output', 'Outputs (`<match>`, `<store>`, `<secondary>`)'],
  ['parser', 'Parsers (`<parse>`)'],
  ['formatter', 'Formatters (`<format>`)'],
  ['buffer', 'Buffers (`<buffer>`)'],
  ['storage', 'Storage (`<storage>`)'],
  ['service_discovery', 'Service discovery (`<service_discovery>`)'],
]

/** Where each input/filter/output runs, from the registries (`daemon, edge, designer`). */
function runsOn(registries: readonly PluginRegistry[], plugin: KnownPlugin): string {
  if (plugin.kind !== 'input' && plugin.kind !== 'filter' && plugin.kind !== 'output') return ''
  const runtimes = new Set<Runtime>()
  for (const registry of registries) for (const r of registry.get(plugin.kind, plugin.name)?.runtimes ?? []) runtimes.add(r)
  return (['node', 'workers', 'browser'] as const)
    .filter((r) => runtimes.has(r))
    .map((r) => RUNTIME_TEXT[r])
    .join(', ')
}

/**
 * @example
 * renderPluginsDoc([nodeRegistry(), edgeRegistry(platform)]) // the text of docs/plugins.md
 */
export function renderPluginsDoc(registries: readonly PluginRegistry[]): string {
  const lines: string[] = [
    '# Plugins: what sluice has',
    '',
    '<!-- Generated from engine/plugin-status.ts and the plugin registries by `npx tsx scripts/plugins-doc.ts`;',
    '     test/docs/plugins-doc.test.ts fails when this page is out of date. Do not edit by hand. -->',
    '',
    "sluice runs Fluentd's configuration language. A `@type` sluice has runs as in Fluentd; one it does",
    'not have stops `sluice check` / `sluice run` with an error that names it and its gem, e.g.',
    '',
    '```',
    "fluent.conf:12: sluice does not implement output plugin 'elasticsearch' (fluent-plugin-elasticsearch); hint: docs/plugins.md lists what sluice has",
    '```',
    '',
    'That holds inside `<store>`, `<secondary>` and `<worker N>` blocks too. Status: **implemented** (registered',
    'in a sluice runtime), planned (being written in the current round), not implemented. "Runs on":',
    'daemon (`sluice run`, Node), edge (Cloudflare Workers), designer (the browser preview).',
    '',
  ]
  for (const [kind, title] of KIND_TITLES) {
    const plugins = KNOWN_PLUGINS.filter((p) => p.kind === kind)
    if (plugins.length === 0) continue
    const withRuntimes = kind === 'input' || kind === 'filter' || kind === 'output'
    lines.push(`## ${title}`, '')
    lines.push(withRuntimes ? '| `@type` | from | status | runs on | note |' : '| `@type` | from | status | note |')
    lines.push(withRuntimes ? '|---|---|---|---|---|' : '|---|---|---|---|')
    const order: PluginStatus[] = ['implemented', 'planned', 'not-implemented']
    const sorted = [...plugins].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
    for (const p of sorted) {
      const origin = p.origin === 'core' ? 'Fluentd core' : p.origin === 'sluice' ? 'sluice' : `\`${p.origin}\``
      const note = (p.note ?? '').replace(/<[^>]+>/g, (tag) => `\`${tag}\``)
      const cells = [`\`${p.name}\``, origin, STATUS_TEXT[p.status], ...(withRuntimes ? [runsOn(registries, p)] : []), note]
      lines.push(`| ${cells.join(' | ')} |`)
    }
    lines.push('')
  }
  lines.push(
    '## Fluent Bit plugins',
    '',
    'sluice reads Fluentd configs, not Fluent Bit ones; this maps Fluent Bit plugin names to the Fluentd',
    'plugin that does the same job, and so to its status in sluice. A Fluent Bit name written as a',
    'Fluentd `@type` (e.g. `@type es`) is reported with the Fluentd name to use.',
    '',
    '| Fluent Bit | kind | Fluentd counterpart | status in sluice |',
    '|---|---|---|---|',
  )
  for (const p of FLUENT_BIT_PLUGINS) {
    let counterpart = '—'
    let status = 'no Fluentd counterpart'
    if (p.fluentd !== undefined) {
      const [kind, name] = p.fluentd.split(':') as [EcosystemKind, string]
      const known = knownPlugin(kind, name)
      counterpart = `${kind === p.kind ? '' : `${kind} `}\`${name}\``
      status = known ? STATUS_TEXT[known.status] : 'not implemented'
    }
    lines.push(`| \`${p.name}\` | ${p.kind} | ${counterpart} | ${status} |`)
  }
  lines.push('')
  return lines.join('\n')
}
