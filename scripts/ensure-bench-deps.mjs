#!/usr/bin/env node
/**
 * Installs the benchmark-only competitors (bench/package.json) into bench/node_modules when
 * absent. They stay out of the main lockfile: msgpackr's optional native builds are not all
 * published on the registry this project uses, which would break `npm ci`.
 */
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bench = fileURLToPath(new URL('../bench/', import.meta.url))
if (existsSync(`${bench}node_modules/msgpackr/package.json`)) process.exit(0)
console.log('ensure-bench-deps: installing bench/package.json (msgpackr) into bench/node_modules')
try {
  execFileSync('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', '--omit=optional'], { cwd: bench, stdio: 'inherit' })
} catch {
  console.error('ensure-bench-deps: FAILED to install the benchmark dependencies (is the npm registry reachable?)')
  process.exit(1)
}
