// Builds the WebAssembly core (an asconfig.json target, release by default) with asc when its output is missing or stale, or always with --force.
//
//   node scripts/build-wasm.mjs                    release target, only if missing or stale
//   node scripts/build-wasm.mjs --force            release target, always
//   node scripts/build-wasm.mjs --target debug     debug target (combine with --force as needed)
//
// Stale means: some file under assembly/, or asconfig.json, or package-lock.json is newer than the
// target's outFile. Prints one line saying what it did and the .wasm size; exits 1 with a clear
// message when asc fails. The release target is written to temporary files and renamed into
// place, so a process that reads the core while another builds it (two first runs of `sluice`,
// see node-server/bin/artifacts.mjs) never reads half a module.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wasmInputsMtime } from '../node-server/bin/artifacts.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const rel = (p) => relative(root, p) || '.'

function fail(message) {
  console.error(`build-wasm: FAILED: ${message}`)
  process.exit(1)
}

function parseArgs(argv) {
  const opts = { force: false, target: 'release' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--force') opts.force = true
    else if (a === '--target') {
      opts.target = argv[++i]
      if (!opts.target) fail('--target needs a name (release or debug)')
    } else if (a.startsWith('--target=')) opts.target = a.slice('--target='.length)
    else fail(`unknown argument ${a} (use --force and/or --target <release|debug>)`)
  }
  return opts
}

const opts = parseArgs(process.argv.slice(2))

const asconfigPath = join(root, 'asconfig.json')
if (!existsSync(asconfigPath)) fail(`${rel(asconfigPath)} not found`)
let asconfig
try {
  asconfig = JSON.parse(readFileSync(asconfigPath, 'utf8'))
} catch (e) {
  fail(`${rel(asconfigPath)} is not valid JSON: ${e.message}`)
}
const target = asconfig.targets?.[opts.target]
if (!target) fail(`asconfig.json has no target "${opts.target}" (has: ${Object.keys(asconfig.targets ?? {}).join(', ')})`)
if (!target.outFile) fail(`asconfig.json target "${opts.target}" has no outFile`)
for (const entry of asconfig.entries ?? []) {
  if (!existsSync(join(root, entry))) fail(`entry ${entry} (from asconfig.json) does not exist`)
}

const outFile = join(root, target.outFile)
const outMtime = existsSync(outFile) ? statSync(outFile).mtimeMs : 0
const inMtime = wasmInputsMtime(root)

const size = () => statSync(outFile).size.toLocaleString('en-US')

if (!opts.force && outMtime > 0 && outMtime >= inMtime) {
  console.log(`build-wasm: ${opts.target} ${rel(outFile)} is up to date (${size()} bytes), nothing to do`)
  process.exit(0)
}

const reason = opts.force ? 'forced' : outMtime === 0 ? 'missing' : 'stale'
let ascBin
try {
  ascBin = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js')
} catch {
  ascBin = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js')
  if (!existsSync(ascBin)) fail('assemblyscript is not installed (run npm ci)')
}

try {
  mkdirSync(dirname(outFile), { recursive: true })
} catch (e) {
  fail(`cannot create ${rel(dirname(outFile))}: ${e.message}`)
}
const started = Date.now()
// A target with a source map names its file inside the module: those are written in place.
const atomic = !target.sourceMap
const temp = (path) => `${path}.${process.pid}.tmp`
const outputs = [outFile, ...(target.textFile ? [join(root, target.textFile)] : [])]
const overrides = atomic ? ['--outFile', temp(outFile), ...(target.textFile ? ['--textFile', temp(join(root, target.textFile))] : [])] : []
// The entries come from asconfig.json; asc reads it from the working directory.
const r = spawnSync(process.execPath, [ascBin, '--config', 'asconfig.json', '--target', opts.target, ...overrides], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
})
const ms = Date.now() - started
const dropTemps = () => {
  for (const path of outputs) rmSync(temp(path), { force: true })
}
if (r.error) {
  dropTemps()
  fail(`could not start asc: ${r.error.message}`)
}
if (r.status !== 0) {
  dropTemps()
  if (r.stdout) process.stderr.write(r.stdout)
  if (r.stderr) process.stderr.write(r.stderr)
  fail(`asc exited with ${r.status ?? r.signal} building the ${opts.target} target (${reason}); its output is above`)
}
if (atomic) {
  try {
    for (const path of outputs.slice(1)) renameSync(temp(path), path)
    renameSync(temp(outFile), outFile)
  } catch (e) {
    dropTemps()
    fail(`asc succeeded but its output could not be moved into place: ${e.message}`)
  }
}
if (!existsSync(outFile) || statSync(outFile).mtimeMs < started - 1000) {
  fail(`asc succeeded but did not write ${rel(outFile)}`)
}
console.log(`build-wasm: built ${opts.target} ${rel(outFile)} (${reason}) in ${(ms / 1000).toFixed(1)} s: ${size()} bytes`)
