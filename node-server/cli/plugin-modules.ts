/**
 * @module `-p PATH` (Fluentd's `--plugin DIR`): extra plugin modules loaded at start. A path is a
 * module, or a directory whose `*.ts`, `*.mjs` and `*.js` files are modules; every export that is
 * a PluginSpec (name, kind, schema, create) is registered.
 */

import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { PluginSpec } from '../../engine/plugin.ts'
import { UsageError } from './args.ts'

function isPluginSpec(value: unknown): value is PluginSpec {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<PluginSpec>
  return (
    typeof v.name === 'string' &&
    (v.kind === 'input' || v.kind === 'filter' || v.kind === 'output') &&
    typeof v.create === 'function' &&
    typeof v.schema === 'object' &&
    Array.isArray(v.runtimes)
  )
}

function modulesOf(path: string): string[] {
  let stat
  try {
    stat = statSync(path)
  } catch {
    throw new UsageError(`-p ${path}: no such file or directory`)
  }
  if (!stat.isDirectory()) return [path]
  return readdirSync(path)
    .filter((name) => /\.(ts|mjs|js)$/.test(name) && !/\.(test|d)\.ts$/.test(name))
    .sort()
    .map((name) => join(path, name))
}

/** Set by node-server/bin/sluice.mjs when it runs the sources through tsx. */
const TS_LOADER = Symbol.for('sluice.typescriptLoader')

/** The bundled daemon has no TypeScript loader: register tsx before importing a .ts plugin. */
async function ensureTypeScriptLoader(): Promise<void> {
  const global = globalThis as Record<symbol, unknown>
  if (global[TS_LOADER]) return
  const { register } = await import('tsx/esm/api')
  register()
  global[TS_LOADER] = true
}

/** Imports the modules and returns the plugin specs they export. */
export async function loadPluginModules(paths: readonly string[], cwd = process.cwd()): Promise<PluginSpec[]> {
  const specs: PluginSpec[] = []
  for (const path of paths) {
    for (const file of modulesOf(resolve(cwd, path))) {
      let mod: Record<string, unknown>
      try {
        if (/\.[mc]?ts$/.test(file)) await ensureTypeScriptLoader()
        mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
      } catch (error) {
        throw new UsageError(`-p ${path}: cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`)
      }
      const found = Object.values(mod).filter(isPluginSpec)
      if (found.length === 0 && file === resolve(cwd, path)) throw new UsageError(`-p ${path}: the module exports no plugin spec`)
      specs.push(...found)
    }
  }
  return specs
}
