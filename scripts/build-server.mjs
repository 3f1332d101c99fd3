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
 * package itself, e.g. nats/client.ts, ops/api/hono.ts), which the bundle keeps as it is. A local
 * module imported with `import()` (the subcommands a daemon never runs, the plugins off the hot
 * path: node-server/plugins/daemon-registry.ts) is a chunk of its own, loaded when used; every
 * module the daemon imports eagerly stays in one chunk (see lazyEntries below): an earlier split
 * that scattered the hot path over chunks by entry point, or esbuild's lazy `__esm` initializers
 * of an unsplit bundle, cost ~20% events/s in bench:relay. The build fails when the eager modules
 * are not in one chunk or that chunk has an `__esm` initializer. Minified for whitespace and syntax
 * only: identifiers stay as written (stack traces and logs read as the sources; the source maps
 * map lines back), and V8 keeps each loaded chunk's source resident. The output is ASCII only (esbuild escapes
 * strings; comments are escaped here): V8 keeps a source with one non-ASCII character as two
 * bytes per character, which doubled the bundle's resident size (~1.1 MB).
 * node-server/bin/sluice.mjs runs the bundle when it is fresh and the sources through tsx
 * otherwise (and runs this script first when esbuild is installed). Written to temporary files and
 * renamed, the entry dist/sluice.mjs last, so a sluice starting while another one builds never
 * imports half a bundle; chunk names carry a content hash, and the previous build's chunks are
 * removed one build later (dist/sluice.files.json lists a build's files), so a daemon started
 * before a rebuild still finds the lazy chunks it imports later.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
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
/**
 * Code splitting, arranged so the daemon's eager code stays in one chunk. A local module imported
 * with `import()` (a subcommand, a plugin off the hot path: node-server/plugins/registry.ts) is an
 * entry point of its own; esbuild puts a module in a chunk per set of entry points that reach it, so
 * the eager modules, reached from main.ts and from some lazy entries, would land in several shared
 * chunks. Every lazy entry is therefore a wrapper that imports main.ts before re-exporting the
 * module: each eager module is then reached from every entry, and all of them share one chunk
 * (dist/sluice-core-HASH.mjs, the hot path in one scope as in an unsplit bundle); a lazy chunk holds
 * only what main.ts does not import. checkEagerChunk() fails the build when that does not hold.
 */
const MAIN = join(ROOT, 'node-server/cli/main.ts')
const lazyEntries = {
  name: 'lazy-entries',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\//, namespace: 'file' }, (args) =>
      args.kind === 'dynamic-import' ? { path: join(args.resolveDir, args.path), namespace: 'lazy-entry' } : undefined,
    )
    b.onLoad({ filter: /.*/, namespace: 'lazy-entry' }, (args) => ({
      contents: `import ${JSON.stringify(MAIN)}\nexport * from ${JSON.stringify(args.path)}\n`,
      resolveDir: ROOT,
      loader: 'js',
    }))
  },
}

/** Every module main.ts reaches through static imports (what a daemon evaluates at start). */
function eagerModules(meta) {
  const seen = new Set()
  const todo = ['node-server/cli/main.ts']
  while (todo.length > 0) {
    const path = todo.pop()
    if (seen.has(path) || meta.inputs[path] === undefined) continue
    seen.add(path)
    for (const i of meta.inputs[path].imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path)
  }
  return seen
}

/** The forwarding hot path: eagerly imported, whatever else becomes lazy. */
const HOT_PATH = [
  'node-server/plugins/in_forward/index.ts',
  'node-server/plugins/out_forward/index.ts',
  'engine/plugins/out_null/index.ts',
  'engine/plugins/filter_grep/index.ts',
  'engine/router.ts',
  'engine/output/buffered-output.ts',
  'node-server/buffer/file-store.ts',
  'wasm/core.ts',
]

/** Throws unless the hot path and every other eager module are in one output chunk with no lazy initializer (esbuild's `__esm`). */
function checkEagerChunk(meta, outputs) {
  const eager = eagerModules(meta)
  const lazy = HOT_PATH.filter((path) => !eager.has(path))
  if (lazy.length > 0) throw new Error(`the daemon does not import the hot path's ${lazy.join(', ')} at start`)
  const homes = new Map()
  for (const [out, o] of Object.entries(meta.outputs)) {
    for (const input of Object.keys(o.inputs)) if (eager.has(input)) homes.set(out, [...(homes.get(out) ?? []), input])
  }
  if (homes.size !== 1) {
    const where = [...homes].map(([out, inputs]) => `${out}: ${inputs.length} modules (${inputs.slice(0, 3).join(', ')}…)`)
    throw new Error(`the daemon's eager modules are split across ${homes.size} chunks: ${where.join('; ')}`)
  }
  const [chunk] = homes.keys()
  const text = outputs.find((f) => f.path.endsWith(chunk))?.text ?? ''
  if (/\b__esm\(/.test(text)) throw new Error(`${chunk} wraps modules in lazy initializers (__esm)`)
  return chunk
}

/** The outputs of the previous build (kept one build longer: a daemon started before may still import its lazy chunks). */
const MANIFEST = join(DIST, 'sluice.files.json')
function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8'))
  } catch {
    return []
  }
}

let temps = []
try {
  const result = await build({
    entryPoints: { [basename(BUNDLE, '.mjs')]: MAIN },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    chunkNames: 'sluice-[name]-[hash]',
    entryNames: '[name]',
    metafile: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    charset: 'ascii',
    // Whitespace and syntax only: identifiers stay as written, so stack traces and logs read as the
    // sources (the source map maps lines back); V8 keeps each chunk's source resident.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [externalPackages, lazyEntries],
    // An INLINE package's ES module build (tree-shaken), not its CommonJS `main`.
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: { js: '// Built by scripts/build-server.mjs from node-server/ - do not edit.' },
  })
  const eagerChunk = checkEagerChunk(result.metafile, result.outputFiles)
  mkdirSync(DIST, { recursive: true })
  const previous = readManifest()
  // The chunks and maps first, the entry last: the entry is what makes a build visible.
  const files = result.outputFiles.sort((a, b) => Number(a.path === BUNDLE) - Number(b.path === BUNDLE))
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`
    temps.push(temp)
    writeFileSync(temp, file.path.endsWith('.mjs') ? ascii(file.text) : file.contents)
  }
  for (const file of files) {
    renameSync(`${file.path}.${process.pid}.tmp`, file.path)
  }
  temps = []
  const current = files.map((f) => basename(f.path))
  writeFileSync(MANIFEST, `${JSON.stringify(current)}\n`)
  const keep = new Set([...current, ...previous, basename(MANIFEST)])
  for (const name of readdirSync(DIST)) {
    if (/^sluice-.*\.mjs(\.map)?$/.test(name) && !keep.has(name)) rmSync(join(DIST, name), { force: true })
  }
  const size = (name) => result.outputFiles.find((f) => f.path.endsWith(name))?.contents.length ?? 0
  console.log(
    `build-server: bundled dist/sluice.mjs in ${((Date.now() - started) / 1000).toFixed(1)} s: the eager chunk ${basename(eagerChunk)} ` +
      `${(size(eagerChunk) / 1024).toFixed(0)} KB, ${current.filter((n) => n.endsWith('.mjs')).length - 2} lazy chunks`,
  )
} catch (error) {
  if (!error?.errors) console.error(error)
  for (const temp of temps) rmSync(temp, { force: true })
  console.error('build-server: FAILED to bundle the daemon; node-server/bin/sluice.mjs will run the sources through tsx')
  process.exit(1)
}
