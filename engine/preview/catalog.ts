/**
 * @module Building a preview catalog: entries from runnable plugin specs, and from schemas of
 * plugins the runtime cannot run (node-server's inputs and outputs: the designer knows their
 * params, the preview replaces them).
 */

import type { PluginSchema } from '../config/schema.ts'
import type { PluginKind, PluginSpec } from '../plugin.ts'
import type { CatalogEntry } from './types.ts'

/** Catalog entries for runnable specs. */
export function catalogFromSpecs(specs: readonly PluginSpec[], origin = 'engine/plugins'): CatalogEntry[] {
  return specs.map((spec) => ({ kind: spec.kind, name: spec.name, description: spec.description, schema: spec.schema, spec, origin }))
}

/** A catalog entry for a plugin known only by its schema. */
export function schemaEntry(kind: PluginKind, name: string, schema: PluginSchema, origin: string, description = ''): CatalogEntry {
  return { kind, name, description, schema, origin }
}

/** Merges catalogs; a later entry with the same kind and name replaces an earlier one, except that a runnable spec is kept. */
export function mergeCatalogs(...lists: readonly (readonly CatalogEntry[])[]): CatalogEntry[] {
  const byKey = new Map<string, CatalogEntry>()
  for (const list of lists) {
    for (const entry of list) {
      const key = `${entry.kind}:${entry.name}`
      const previous = byKey.get(key)
      byKey.set(
        key,
        previous?.spec !== undefined && entry.spec === undefined ? { ...entry, spec: previous.spec, schema: previous.schema } : entry,
      )
    }
  }
  return [...byKey.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
}
