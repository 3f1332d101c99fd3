#!/usr/bin/env node
/**
 * Bundles the daemon's TypeScript (node-server/cli/main.ts and everything it imports) into
 * dist/sluice.mjs, when it is missing or older than its sources; `--force` always builds. Packages
 * stay external (they load from node_modules). Code splitting is on: a module the daemon imports
 * with `await import()` (the HTTP API, the NATS client, YAML …) goes to its own chunk
 * (dist/<name>-<hash>.mjs, beside the entry so `import.meta.url` paths stay the same), so a daemon
 * whose config does not use it never loads it, nor the packages it imports. The output is ASCII
 * only (esbuild escapes strings; comments are escaped here): V8 keeps a source with one non-ASCII
 * character as two bytes per character, which doubled the bundle's resident size.
 * node-server/bin/sluice.mjs runs the bundle when it is fresh and the sources through tsx
 * otherwise (and runs this script first when esbuild is installed). Chunks are content-hashed and
 * written first, the entry last by rename, so a sluice starting while another one builds never
 * imports half a bundle; chunks no build has referenced for an hour are removed.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'
import { BUNDLE, ROOT, freshBundle } from '../node-server/bin/bundle.mjs'
import { basename, dirname, join } from 'node:path'

if (!process.argv.includes('--force') && freshBundle()) process.exit(0)
const started = Date.now()
const DIST = dirname(BUNDLE)
const CHUNK = /^[\w-]+-[A-Z0-9]{8}\.mjs(\.map)?$/
/** Escapes what esbuild leaves non-ASCII (comments; strings and regexps are escaped already). */
const ascii = (text) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const written = new Set()
let temps = []
try {
  const result = await build({
    entryPoints: { [basename(BUNDLE, '.mjs')]: join(ROOT, 'node-server/cli/main.ts') },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    charset: 'ascii',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: { js: '// Built by scripts/build-server.mjs from node-server/ - do not edit.' },
  })
  mkdirSync(DIST, { recursive: true })
  // Chunks first, the entry (and its map) last: the entry is what makes a build visible.
  const files = result.outputFiles.sort((a, b) => Number(a.path.startsWith(BUNDLE)) - Number(b.path.startsWith(BUNDLE)))
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`
    temps.push(temp)
    writeFileSync(temp, file.path.endsWith('.mjs') ? ascii(file.text) : file.contents)
  }
  for (const file of files) {
    renameSync(`${file.path}.${process.pid}.tmp`, file.path)
    written.add(basename(file.path))
  }
  temps = []
} catch (error) {
  if (!error?.errors) console.error(error)
  for (const temp of temps) rmSync(temp, { force: true })
  console.error('build-server: FAILED to bundle the daemon; node-server/bin/sluice.mjs will run the sources through tsx')
  process.exit(1)
}
// A daemon started from an older build may still import its chunks lazily: keep them an hour.
for (const name of readdirSync(DIST)) {
  if (!CHUNK.test(name) || written.has(name)) continue
  const path = join(DIST, name)
  if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true })
}
console.log(`build-server: bundled dist/sluice.mjs (${written.size / 2} files) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
