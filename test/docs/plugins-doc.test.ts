/**
 * @module docs/plugins.md and engine/plugin-status.ts stay true: every plugin a runtime registers
 * is listed as implemented, every "implemented" entry is registered (inputs, filters, outputs) or
 * accepted by the schemas (buffers, service discovery types), and the page is what the table renders.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bufferSection } from '../../engine/output/buffer-schema.ts'
import { SERVICE_DISCOVERY_TYPES } from '../../engine/schemas/sections/service-discovery.ts'
import { FLUENT_BIT_PLUGINS, KNOWN_PLUGINS, knownPlugin } from '../../engine/plugin-status.ts'
import { pluginsDocText, shippedRegistries } from '../../scripts/plugins-doc-text.ts'

describe('engine/plugin-status.ts', () => {
  // A plugin's aliases (in_sample's `dummy`) are registered names too.
  const registered = shippedRegistries().flatMap((r) =>
    r.all().flatMap((spec) => [spec.name, ...(spec.aliases ?? [])].map((name) => `${spec.kind}:${name}`)),
  )

  it('lists every registered plugin as implemented', () => {
    const missing = [...new Set(registered)].filter((key) => {
      const [kind, name] = key.split(':') as ['input', string]
      return knownPlugin(kind, name)?.status !== 'implemented'
    })
    expect(missing, 'flip these to implemented in engine/plugin-status.ts').toEqual([])
  })

  it('lists as implemented only what a runtime registers or a schema accepts', () => {
    const formatters = new Set<string>(shippedRegistries().flatMap((r) => r.names('formatter')))
    const discoveries = new Set<string>(SERVICE_DISCOVERY_TYPES)
    const buffers = new Set(bufferSection().schema.params.find((p) => p.name === '@type')?.values ?? [])
    const wrong = KNOWN_PLUGINS.filter((p) => p.status === 'implemented').filter((p) => {
      if (p.kind === 'input' || p.kind === 'filter' || p.kind === 'output' || p.kind === 'parser')
        return !registered.includes(`${p.kind}:${p.name}`)
      if (p.kind === 'formatter') return !formatters.has(p.name)
      if (p.kind === 'buffer') return !buffers.has(p.name)
      if (p.kind === 'service_discovery') return !discoveries.has(p.name)
      return true
    })
    expect(wrong.map((p) => `${p.kind}:${p.name}`)).toEqual([])
  })

  it('has one entry per kind and name, and Fluent Bit counterparts that exist', () => {
    const keys = KNOWN_PLUGINS.map((p) => `${p.kind}:${p.name}`)
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([])
    const dangling = FLUENT_BIT_PLUGINS.filter((p) => p.fluentd !== undefined && !keys.includes(p.fluentd))
    expect(dangling.map((p) => `${p.name} → ${p.fluentd}`)).toEqual([])
  })
})

describe('docs/plugins.md', () => {
  it('is what engine/plugin-status.ts renders (run `npx tsx scripts/plugins-doc.ts` after a change)', () => {
    expect(readFileSync(new URL('../../docs/plugins.md', import.meta.url), 'utf8')).toBe(pluginsDocText())
  })
})
