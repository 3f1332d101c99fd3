#!/usr/bin/env node
/**
 * Bundles the daemon's TypeScript (node-server/cli/main.ts and everything it imports) into
 * dist/sluice.mjs, when it is missing or older than its sources; `--force` always builds. Packages
 * stay external (they load from node_modules), except those in INLINE, which every daemon loads
 * at start: @msgpack/msgpack's package entry is CommonJS, 16 files that Node's CommonJS loader
 * resolved one by one at each start (its path handling got hot enough for V8 to compile it with
 * TurboFan, ~4 MB of idle RSS in all); bundled, only the ESM code sluice uses is in dist/sluice.mjs.
 * package-lock.json is one of the bundle's sources (bin/bundle.mjs), so an upgrade rebuilds it. A
 * package that only some configs need is imported where it is first used (`await import()` of the
 * package itself, e.g. nats/client.ts, ops/api/hono.ts), which the bundle keeps as it is. Not code-split: splitting (or a local module imported lazily, which esbuild
 * wraps in a lazy initializer with its whole import graph) put the hot path across chunk
 * boundaries and cost ~20% events/s in bench:relay. The output is ASCII only (esbuild escapes
 * strings; comments are escaped here): V8 keeps a source with one non-ASCII character as two
 * bytes per character, which doubled the bundle's resident size (~1.1 MB).
 * node-server/bin/sluice.mjs runs the bundle when it is fresh and the sources through tsx
 * otherwise (and runs this script first when esbuild is installed). Written to temporary files and
 * renamed, the bundle last, so a sluice starting while another one builds never imports half a
 * bundle.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'
import { BUNDLE, ROOT, freshBundle } from '../node-server/bin/bundle.mjs'
import { basename, dirname, join } from 'node:path'

if (!process.argv.includes('--force') && freshBundle()) process.exit(0)
const started = Date.now()
const DIST = dirname(BUNDLE)
/** Escapes what esbuild leaves non-ASCII (comments; strings and regexps are escaped already). */
const ascii = (text) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
/** Packages bundled into dist/sluice.mjs (see above); every other package stays external. */
const INLINE = new Set(['@msgpack/msgpack'])
/** `packages: 'external'` except INLINE: a bare specifier is external unless its package is in INLINE. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true }
      const parts = args.path.split('/')
      const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
      return INLINE.has(name) ? undefined : { path: args.path, external: true }
    })
  },
}
let temps = []
try {
  const result = await build({
    entryPoints: { [basename(BUNDLE, '.mjs')]: join(ROOT, 'node-server/cli/main.ts') },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    charset: 'ascii',
    plugins: [externalPackages],
    // An INLINE package's ES module build (tree-shaken), not its CommonJS `main`.
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: { js: '// Built by scripts/build-server.mjs from node-server/ - do not edit.' },
  })
  mkdirSync(DIST, { recursive: true })
  // The map first, the bundle last: the bundle is what makes a build visible.
  const files = result.outputFiles.sort((a, b) => Number(a.path.startsWith(BUNDLE)) - Number(b.path.startsWith(BUNDLE)))
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`
    temps.push(temp)
    writeFileSync(temp, file.path.endsWith('.mjs') ? ascii(file.text) : file.contents)
  }
  for (const file of files) {
    renameSync(`${file.path}.${process.pid}.tmp`, file.path)
  }
  temps = []
} catch (error) {
  if (!error?.errors) console.error(error)
  for (const temp of temps) rmSync(temp, { force: true })
  console.error('build-server: FAILED to bundle the daemon; node-server/bin/sluice.mjs will run the sources through tsx')
  process.exit(1)
}
console.log(`build-server: bundled dist/sluice.mjs in ${((Date.now() - started) / 1000).toFixed(1)} s`)
