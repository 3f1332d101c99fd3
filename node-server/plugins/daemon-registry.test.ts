/**
 * @module The daemon's registry (plugins off the hot path imported on first use) offers the same
 * plugins as nodeRegistry(), imports what a config names (and the parsers and formatters with it),
 * and keeps a `-p` module's spec over a shipped one it loads later.
 */

import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../engine/config/parse.ts'
import { PLUGIN_KINDS, type PluginSpec } from '../../engine/plugin.ts'
import { daemonRegistry, EAGER_PLUGINS, LAZY_PLUGINS } from './daemon-registry.ts'
import { NODE_PLUGINS, nodeRegistry } from './registry.ts'

const key = (s: { kind: string; name: string }) => `${s.kind}:${s.name}`
const root = (text: string) => parseConfig(text, 'fluent.conf', {}).config.root

describe('daemonRegistry', () => {
  it('lists exactly the plugins of nodeRegistry (eager or lazy, with their aliases)', () => {
    const shipped = NODE_PLUGINS.map((s) => `${key(s)}${JSON.stringify(s.aliases ?? [])}`).sort()
    const daemon = [...EAGER_PLUGINS, ...LAZY_PLUGINS].map((s) => `${key(s)}${JSON.stringify(s.aliases ?? [])}`).sort()
    expect(daemon).toEqual(shipped)
    const registry = daemonRegistry()
    for (const kind of PLUGIN_KINDS) expect(registry.names(kind)).toEqual(nodeRegistry().names(kind))
  })

  it('has the hot path at start and every other plugin after loadAll, the same spec objects as nodeRegistry', async () => {
    const registry = daemonRegistry()
    const full = nodeRegistry()
    expect(registry.get('input', 'forward')).toBe(full.get('input', 'forward'))
    expect(registry.get('output', 'null')).toBe(full.get('output', 'null'))
    expect(registry.get('input', 'tail')).toBeUndefined()
    await registry.loadAll()
    for (const spec of NODE_PLUGINS) expect(registry.get(spec.kind, spec.name)).toBe(spec)
    expect(registry.get('input', 'dummy')).toBe(full.get('input', 'sample'))
  })

  it('loadFor imports what the config names, and the parsers and formatters with it', async () => {
    const registry = daemonRegistry()
    await registry.loadFor(root('<source>\n  @type forward\n</source>\n<match **>\n  @type null\n</match>\n'))
    expect(registry.get('input', 'tail')).toBeUndefined()
    expect(registry.get('formatter', 'json')).toBeUndefined()
    // A <buffer @type file> is not out_file.
    await registry.loadFor(
      root('<match **>\n  @type forward\n  <server>\n    port 1\n  </server>\n  <buffer>\n    @type file\n  </buffer>\n</match>\n'),
    )
    expect(registry.get('output', 'file')).toBeUndefined()
    await registry.loadFor(
      root('<match a>\n  @type file\n  path /x\n</match>\n<label @X>\n  <match **>\n    type stdout\n  </match>\n</label>\n'),
    )
    expect(registry.get('output', 'file')?.name).toBe('file')
    // v0.12's `type` counts as @type.
    expect(registry.get('output', 'stdout')?.name).toBe('stdout')
    // out_file's default <format> (out_file) without a config naming it.
    expect(registry.get('formatter', 'out_file')?.name).toBe('out_file')
    expect(registry.get('parser', 'json')?.name).toBe('json')
    expect(registry.get('input', 'tail')).toBeUndefined()
  })

  it('keeps a -p spec over the shipped plugin of the same kind and name, loaded later or not', async () => {
    const mine: PluginSpec<'output'> = { ...(nodeRegistry().get('output', 'file') as PluginSpec<'output'>), description: 'mine' }
    const myJson: PluginSpec<'parser'> = { ...(nodeRegistry().get('parser', 'json') as PluginSpec<'parser'>), description: 'mine' }
    const registry = daemonRegistry([mine, myJson])
    await registry.loadFor(root('<match **>\n  @type file\n  path /x\n  <format>\n    @type json\n  </format>\n</match>\n'))
    expect(registry.get('output', 'file')).toBe(mine)
    expect(registry.get('parser', 'json')).toBe(myJson)
    expect(registry.get('parser', 'regexp')?.name).toBe('regexp')
    await registry.loadAll()
    expect(registry.get('output', 'file')).toBe(mine)
  })
})
