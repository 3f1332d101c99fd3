/**
 * @module The designer's catalog: every descriptor of the schema home (engine/schemas), the
 * runtime-neutral plugins runnable in the preview, and the rule that nothing the catalog loads pulls a
 * Node module into the browser bundle.
 */

import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { DESCRIPTORS } from '../../../../engine/schemas/index.ts'
import { catalog, catalogFailures, catalogFrom, loadCatalog } from './catalog.ts'

const ROOT = resolve(import.meta.dirname, '..', '..', '..', '..')

beforeAll(async () => {
  await loadCatalog()
})

describe('catalog', () => {
  it('lists every plugin the daemon runs, the runtime-neutral ones runnable', () => {
    const byKey = new Map(catalog.map((e) => [`${e.kind}:${e.name}`, e]))
    for (const key of ['filter:grep', 'filter:record_transformer', 'output:copy', 'output:relabel']) {
      expect(byKey.get(key)?.spec, key).toBeDefined()
    }
    for (const key of ['input:forward', 'output:forward', 'input:monitor_agent']) {
      expect(byKey.get(key)?.spec, key).toBeUndefined()
      expect(byKey.get(key)?.origin, key).toBe('engine/schemas')
    }
    expect(byKey.get('input:forward')?.schema.params.length).toBeGreaterThan(3)
    for (const d of DESCRIPTORS.filter((x) => x.runtimes.includes('node'))) expect(byKey.has(`${d.kind}:${d.name}`), d.name).toBe(true)
    // the edge-only outputs are known too
    expect(byKey.get('output:queue')?.origin).toMatch(/edge only/)
  })

  it('prefers the runnable spec over the descriptor of the same plugin', () => {
    const spec = {
      name: 'grep',
      kind: 'filter',
      description: 'runnable',
      schema: { params: [] },
      runtimes: ['browser'],
      create: () => ({ filter: (s: unknown) => s }),
    }
    const entries = catalogFrom({ '/e/engine/plugins/filter_grep/index.ts': { filterGrep: spec } })
    const grep = entries.filter((e) => e.kind === 'filter' && e.name === 'grep')
    expect(grep).toHaveLength(1)
    expect(grep[0].description).toBe('runnable')
  })

  it('loads every plugin module, none of which pulls a Node module into the browser bundle', () => {
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
    visit(join(ROOT, 'engine', 'schemas', 'index.ts'), [])
    visit(join(ROOT, 'ui', 'src', 'lib', 'config', 'catalog.ts'), [])
    expect(offenders).toEqual([])
  })
})
