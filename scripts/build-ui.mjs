#!/usr/bin/env node
/**
 * Builds the route designer (ui/ → ui/dist) when it is missing or older than its sources, so
 * `npm start` serves it at http://127.0.0.1:24220/ui/. `--force` always builds.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const output = join(root, 'ui/dist/index.html')

function newest(dir) {
  let t = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const path = join(dir, entry.name)
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return t
}

const force = process.argv.includes('--force')
const built = existsSync(output) ? statSync(output).mtimeMs : 0
const sources = Math.max(newest(join(root, 'ui')), newest(join(root, 'engine')), statSync(join(root, 'wasm/build/core.wasm')).mtimeMs)
if (!force && built > sources) process.exit(0)
const started = Date.now()
try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  )
} catch {
  console.error('build-ui: FAILED to build the designer (ui/); sluice still runs, /ui/ will be missing')
  process.exit(1)
}
console.log(`build-ui: built ui/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`)
