/**
 * @module The bundled daemon (dist/sluice.mjs and its chunks, built by scripts/build-server.mjs): JS that
 * Node runs without a TypeScript loader, which saves the loader's thread and ~40 MB of memory.
 * `freshBundle()` says whether it exists and is newer than every source it was built from.
 */

import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BUNDLE = join(ROOT, 'dist', 'sluice.mjs')
export const SOURCES = ['node-server', 'engine', 'wasm']

function newest(dir) {
  let t = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'build' || entry.name === 'dist') continue
    // Not path.join: its normalization, run for every file here, was hot enough for V8 to compile it
    // with TurboFan at each start, which alone maps ~3 MB more of the node binary (idle RSS).
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) t = Math.max(t, newest(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) t = Math.max(t, statSync(path).mtimeMs)
  }
  return t
}

export function newestSource() {
  return Math.max(...SOURCES.map((dir) => newest(join(ROOT, dir))), statSync(join(ROOT, 'package-lock.json')).mtimeMs)
}

export function freshBundle() {
  return existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= newestSource()
}
