#!/usr/bin/env node
/**
 * Bundles the daemon's TypeScript (node-server/cli/main.ts and everything it imports) into one
 * ES module, dist/sluice.mjs, when it is missing or older than its sources; `--force` always
 * builds. Packages stay external (they load from node_modules). node-server/bin/sluice.mjs runs
 * the bundle when it is fresh and the sources through tsx otherwise.
 */
import { build } from 'esbuild'
import { BUNDLE, ROOT, freshBundle } from '../node-server/bin/bundle.mjs'
import { join } from 'node:path'

if (!process.argv.includes('--force') && freshBundle()) process.exit(0)
const started = Date.now()
try {
  await build({
    entryPoints: [join(ROOT, 'node-server/cli/main.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: { js: '// Built by scripts/build-server.mjs from node-server/ — do not edit.' },
  })
} catch {
  console.error('build-server: FAILED to bundle the daemon; node-server/bin/sluice.mjs will run the sources through tsx')
  process.exit(1)
}
console.log(`build-server: bundled dist/sluice.mjs in ${((Date.now() - started) / 1000).toFixed(1)} s`)
