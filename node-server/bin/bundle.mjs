/**
 * @module The bundled daemon (dist/sluice.mjs and its chunks, built by scripts/build-server.mjs): JS that
 * Node runs without a TypeScript loader, which saves the loader's thread and ~40 MB of memory.
 * `freshBundle()` says whether it exists and is newer than every source it was built from. It asks
 * find(1) (one short child process) and walks the sources in JS only where find is missing: the
 * walk creates a Stats object (with four Dates) per source file, some 500 of them at each start,
 * enough for V8 to compile Node's Stats code with TurboFan, which alone maps ~3 MB more of the node
 * binary into the daemon that then idles (its resident memory).
 */

import { spawnSync } from 'node:child_process'
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

/**
 * Whether anything `find` finds under `paths` with `tests` is newer than `file`; null when find(1)
 * cannot say. One short child process, cheaper for the daemon that then idles than Stats objects.
 */
export function findNewer(file, paths, tests = []) {
  const r = spawnSync('find', [...paths, ...tests, '-newer', file, '-print', '-quit'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  if (r.error || r.status !== 0) return null
  return r.stdout.trim() !== ''
}

/** Whether a source (as `newest` counts them) is newer than `file`; null when find(1) cannot say. */
function sourceNewerThan(file) {
  return findNewer(
    file,
    SOURCES.map((dir) => join(ROOT, dir)),
    [
      ...['(', '-name', 'node_modules', '-o', '-name', 'build', '-o', '-name', 'dist', ')', '-prune', '-o'],
      ...['-type', 'f', '-name', '*.ts', '!', '-name', '*.test.ts'],
    ],
  )
}

export function freshBundle() {
  if (!existsSync(BUNDLE)) return false
  const built = statSync(BUNDLE).mtimeMs
  if (statSync(join(ROOT, 'package-lock.json')).mtimeMs > built) return false
  const newer = sourceNewerThan(BUNDLE)
  return newer === null ? built >= newestSource() : !newer
}
