/**
 * @module Where the repo's files are, from the sources (node-server/…) or from the bundled daemon
 * (dist/sluice.mjs): the nearest directory above this module that holds sluice's package.json.
 */

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let root: string | null = null

export function repoRoot(): string {
  if (root !== null) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sluice') {
      root = dir
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error("cannot find sluice's package.json above " + fileURLToPath(import.meta.url))
    dir = parent
  }
}

/** A path inside the repo. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot(), ...parts)
}
