/**
 * @module The designer's plugin catalog: the SAME schemas the daemon validates with, imported from
 * the plugins' own files — every runtime-neutral plugin in engine/plugins/<name>/index.ts (runnable
 * in the preview) and every node-server/plugins/<name>/config.ts (schema only: the designer builds
 * forms and validates; the preview replaces those plugins). Found at build time by Vite's
 * import.meta.glob, so a plugin that lands later appears without touching this file. Each module is
 * loaded on its own (`loadCatalog`): one that fails to load in the browser (say, a schema file that
 * started using a Node API at load time) is left out and reported, the others still work.
 */

import type { PluginSchema } from '../../../../engine/config/schema.ts'
import type { PluginKind, PluginSpec } from '../../../../engine/plugin.ts'
import { mergeCatalogs } from '../../../../engine/preview/catalog.ts'
import type { CatalogEntry } from '../../../../engine/preview/types.ts'

const enginePlugins = import.meta.glob<Record<string, unknown>>('../../../../engine/plugins/*/index.ts')
const nodeSchemas = import.meta.glob<Record<string, unknown>>('../../../../node-server/plugins/*/config.ts')

/** What Fluentd's docs say each well-known plugin does (node plugins' specs live outside the schema files). */
const DESCRIPTIONS: Record<string, string> = {
  'input:forward': 'Receives events over the Forward protocol (Fluentd, Fluent Bit, fluent-logger clients).',
  'input:http': 'Receives events as HTTP POST /tag bodies (JSON, NDJSON, msgpack).',
  'input:tail': 'Reads lines appended to files.',
  'input:syslog': 'Receives syslog messages.',
  'input:dummy': 'Generates test events.',
  'output:forward': 'Sends events to Fluentd / Fluent Bit / sluice over the Forward protocol.',
  'output:http': 'Sends events to an HTTP endpoint (JSON, NDJSON or msgpack bodies).',
  'output:file': 'Writes events to files, sliced by time.',
  'output:stdout': 'Prints events on standard output.',
  'output:null': 'Drops events (counts them).',
}

/**
 * Plugins the daemon has whose schema cannot be imported here (its module imports node:*): known by
 * name so configs using them are not "unknown", with free-form params (the daemon checks them).
 */
const NOT_IMPORTABLE: CatalogEntry[] = [
  {
    kind: 'input',
    name: 'monitor_agent',
    description:
      "Serves sluice's monitoring API (Fluentd's monitor_agent). Its schema lives in node-server/ops/api/monitor-agent.ts, which imports node:net, so the designer does not check its params.",
    schema: { params: [], additionalParams: true },
    origin: 'node-server/ops/api/monitor-agent.ts',
  },
]

/** `in_forward` → input `forward`; `out_http` → output `http`; `filter_grep` → filter `grep`. */
export function pluginOfFolder(folder: string): { kind: PluginKind; name: string } | null {
  const m = /^(in|out|filter)_(.+)$/.exec(folder)
  if (m === null) return null
  return { kind: m[1] === 'in' ? 'input' : m[1] === 'out' ? 'output' : 'filter', name: m[2] }
}

function folderOf(path: string): string {
  const parts = path.split('/')
  return parts[parts.length - 2]
}

function isSpec(value: unknown): value is PluginSpec {
  const v = value as Partial<PluginSpec> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.create === 'function' &&
    (v.kind === 'input' || v.kind === 'filter' || v.kind === 'output') &&
    isSchema(v.schema)
  )
}

function isSchema(value: unknown): value is PluginSchema {
  return typeof value === 'object' && value !== null && Array.isArray((value as PluginSchema).params)
}

/** The module's plugin schema: the export named like `inForwardSchema`, else the first schema-shaped export. */
function schemaExport(module: Record<string, unknown>, folder: string): PluginSchema | null {
  const camel = folder.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())
  const named = module[`${camel}Schema`]
  if (isSchema(named)) return named
  for (const [key, value] of Object.entries(module)) if (/Schema$/.test(key) && isSchema(value)) return value
  return null
}

/** Catalog entries of the modules found (exported for tests, which pass their own module maps). */
export function catalogFrom(
  engine: Record<string, Record<string, unknown>>,
  node: Record<string, Record<string, unknown>>,
): CatalogEntry[] {
  const runnable: CatalogEntry[] = []
  for (const [path, module] of Object.entries(engine)) {
    for (const value of Object.values(module)) {
      if (!isSpec(value)) continue
      runnable.push({
        kind: value.kind,
        name: value.name,
        description: value.description,
        schema: value.schema,
        spec: value,
        origin: `engine/plugins/${folderOf(path)}`,
      })
    }
  }
  const described: CatalogEntry[] = []
  for (const [path, module] of Object.entries(node)) {
    const folder = folderOf(path)
    const plugin = pluginOfFolder(folder)
    const schema = schemaExport(module, folder)
    if (plugin === null || schema === null) continue
    described.push({
      ...plugin,
      schema,
      description: DESCRIPTIONS[`${plugin.kind}:${plugin.name}`] ?? `Fluentd's ${folder}.`,
      origin: `node-server/plugins/${folder}`,
    })
  }
  return mergeCatalogs(described, runnable)
}

/** Every plugin the designer knows, sorted by kind and name (filled by `loadCatalog`). */
export let catalog: readonly CatalogEntry[] = NOT_IMPORTABLE

/** Plugin modules that could not be loaded here, with the reason. */
export let catalogFailures: readonly { module: string; error: string }[] = []

let loading: Promise<readonly CatalogEntry[]> | null = null

/** Loads every plugin module (once); call before using `catalog`. */
export function loadCatalog(): Promise<readonly CatalogEntry[]> {
  loading ??= (async () => {
    const failures: { module: string; error: string }[] = []
    const load = async (loaders: Record<string, () => Promise<Record<string, unknown>>>) => {
      const modules: Record<string, Record<string, unknown>> = {}
      await Promise.all(
        Object.entries(loaders).map(async ([path, loader]) => {
          try {
            modules[path] = await loader()
          } catch (error) {
            failures.push({ module: path.replace(/^(\.\.\/)+/, ''), error: error instanceof Error ? error.message : String(error) })
          }
        }),
      )
      return modules
    }
    const [engine, node] = await Promise.all([load(enginePlugins), load(nodeSchemas)])
    catalog = mergeCatalogs(NOT_IMPORTABLE, catalogFrom(engine, node))
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
