/**
 * @module The designer's plugin catalog: every plugin the daemon runs (and the edge-only ones), from
 * the one schema home engine/schemas — the SAME descriptors the daemon and the edge validate with —
 * plus, for the runtime-neutral plugins of engine/plugins/<name>/index.ts (filters, copy, relabel,
 * parsers, formatters), the runnable spec the preview runs. The runnable modules are found at build
 * time by Vite's import.meta.glob, so a plugin that lands later is picked up without touching this
 * file; one that fails to load in the browser is left out and reported, the others still work.
 */

import { checkRegistry } from '../../../../engine/check/registry.ts'
import type { PluginKind, PluginRegistry, PluginSpec } from '../../../../engine/plugin.ts'
import { catalogFromSpecs, mergeCatalogs } from '../../../../engine/preview/catalog.ts'
import type { CatalogEntry } from '../../../../engine/preview/types.ts'
import { DESCRIPTORS } from '../../../../engine/schemas/index.ts'

const enginePlugins = import.meta.glob<Record<string, unknown>>('../../../../engine/plugins/*/index.ts')

/** The descriptors as catalog entries: the daemon's plugins, then the edge-only ones (e.g. out_queue). */
export function descriptorEntries(): CatalogEntry[] {
  const node = DESCRIPTORS.filter((d) => d.runtimes.includes('node'))
  const keys = new Set(node.map((d) => `${d.kind}:${d.name}`))
  const edgeOnly = DESCRIPTORS.filter((d) => !d.runtimes.includes('node') && !keys.has(`${d.kind}:${d.name}`))
  return [...node, ...edgeOnly].map((d) => ({
    kind: d.kind,
    name: d.name,
    description: d.description,
    schema: d.schema,
    origin: d.runtimes.includes('node') ? 'engine/schemas' : `engine/schemas (edge only)`,
  }))
}

function isSpec(value: unknown): value is PluginSpec {
  const v = value as Partial<PluginSpec> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.kind === 'string' &&
    typeof v.create === 'function' &&
    typeof v.schema === 'object'
  )
}

/** The runnable specs exported by plugin modules. */
function specsOf(engine: Record<string, Record<string, unknown>>): PluginSpec[] {
  const specs: PluginSpec[] = []
  for (const module of Object.values(engine)) for (const value of Object.values(module)) if (isSpec(value)) specs.push(value)
  return specs
}

/** Catalog entries of the runnable modules found (exported for tests, which pass their own module maps). */
export function catalogFrom(engine: Record<string, Record<string, unknown>>): CatalogEntry[] {
  return mergeCatalogs(descriptorEntries(), catalogFromSpecs(specsOf(engine)))
}

/**
 * The registry the designer checks configs with — `sluice check`'s rules for the daemon (runtime
 * 'node'): every descriptor, the runtime-neutral plugins built by their own code (call after loadCatalog).
 */
export function designerCheckRegistry(): PluginRegistry {
  return checkRegistry(DESCRIPTORS, runnable, 'node')
}

let runnable: PluginSpec[] = []

/** Every plugin the designer knows, sorted by kind and name (filled by `loadCatalog`). */
export let catalog: readonly CatalogEntry[] = descriptorEntries()

/** Plugin modules that could not be loaded here, with the reason. */
export let catalogFailures: readonly { module: string; error: string }[] = []

let loading: Promise<readonly CatalogEntry[]> | null = null

/** Loads every runnable plugin module (once); call before using `catalog`. */
export function loadCatalog(): Promise<readonly CatalogEntry[]> {
  loading ??= (async () => {
    const failures: { module: string; error: string }[] = []
    const modules: Record<string, Record<string, unknown>> = {}
    await Promise.all(
      Object.entries(enginePlugins).map(async ([path, loader]) => {
        try {
          modules[path] = await loader()
        } catch (error) {
          failures.push({ module: path.replace(/^(\.\.\/)+/, ''), error: error instanceof Error ? error.message : String(error) })
        }
      }),
    )
    runnable = specsOf(modules)
    catalog = catalogFrom(modules)
    catalogFailures = failures
    return catalog
  })()
  return loading
}

export function findPlugin(kind: PluginKind, name: string): CatalogEntry | undefined {
  return catalog.find((e) => e.kind === kind && e.name === name)
}

export function pluginNames(kind: PluginKind): string[] {
  return catalog.filter((e) => e.kind === kind).map((e) => e.name)
}
