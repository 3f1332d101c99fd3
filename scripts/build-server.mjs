#!/usr/bin/env node
/**
 * Bundles the daemon's TypeScript (node-server/cli/main.ts and everything it imports) into one
 * ES module, dist/sluice.mjs, when it is missing or older than its sources; `--force` always
 * builds. Packages stay external (they load from node_modules). node-server/bin/sluice.mjs runs
 * the bundle when it is fresh and the sources through tsx otherwise (and runs this script first
 * when esbuild is installed). The bundle is written to a temporary file and renamed, so a sluice
 * starting while another one builds never imports half a bundle.
 */
import { renameSync, rmSync } from 'node:fs'
import { build } from 'esbuild'
import { BUNDLE, ROOT, freshBundle } from '../node-server/bin/bundle.mjs'
import { basename, join } from 'node:path'

if (!process.argv.includes('--force') && freshBundle()) process.exit(0)
const started = Date.now()
const temp = `${BUNDLE}.${process.pid}.tmp.mjs`
try {
  await build({
    entryPoints: [join(ROOT, 'node-server/cli/main.ts')],
    outfile: temp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'external',
    logLevel: 'warning',
    banner: { js: '// Built by scripts/build-server.mjs from node-server/ — do not edit.' },
    // The map is written beside the temporary file and renamed with it; this line names its final place.
    footer: { js: `//# sourceMappingURL=${basename(BUNDLE)}.map` },
  })
  renameSync(`${temp}.map`, `${BUNDLE}.map`)
  renameSync(temp, BUNDLE)
} catch {
  rmSync(temp, { force: true })
  rmSync(`${temp}.map`, { force: true })
  console.error('build-server: FAILED to bundle the daemon; node-server/bin/sluice.mjs will run the sources through tsx')
  process.exit(1)
}
console.log(`build-server: bundled dist/sluice.mjs in ${((Date.now() - started) / 1000).toFixed(1)} s`)
