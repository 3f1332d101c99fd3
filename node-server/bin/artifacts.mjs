/**
 * @module What the `sluice` executable needs built before it runs, built on first use so that
 * `npm install && npx sluice …` works without `npm start` or `npm test` having run: the
 * WebAssembly core (wasm/build/core.wasm, by scripts/build-wasm.mjs with AssemblyScript) when it
 * is missing or older than assembly/, and the bundled daemon (dist/sluice.mjs, by
 * scripts/build-server.mjs with esbuild) when it is missing (a stale bundle — sources edited since
 * — is left to `npm start` / `npm test`; meanwhile the sources run through tsx). Both builds write to a temporary file
 * and rename it, so concurrent first runs never read half a file. A core that cannot be built
 * ends the command with one line saying why and what to run; a bundle that cannot be built only
 * means the sources run through tsx.
 */

import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { BUNDLE, findNewer, freshBundle, ROOT } from './bundle.mjs'

export const CORE_WASM = join(ROOT, 'wasm', 'build', 'core.wasm')

/** A build that was needed and failed: `message` is the one line to print. */
export class ArtifactError extends Error {
  constructor(message) {
    super(message)
    this.name = 'ArtifactError'
  }
}

/** Newest mtime under a file or directory (a directory's own mtime counts: deletions show there). */
function newestMtime(path) {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

const wasmInputs = (root) => [join(root, 'assembly'), join(root, 'asconfig.json'), join(root, 'package-lock.json')]

/** The newest input of the core (what scripts/build-wasm.mjs compares its output with). */
export function wasmInputsMtime(root = ROOT) {
  return Math.max(...wasmInputs(root).map(newestMtime))
}

/**
 * 'fresh', 'stale' (older than an input: a file or directory under assembly/, asconfig.json,
 * package-lock.json) or 'missing'. Asks find(1) first (bundle.mjs findNewer): the JS walk's Stats
 * objects alone left ~0.2 MB more resident in the daemon that then idles.
 */
export function coreState(path = CORE_WASM) {
  if (!existsSync(path)) return 'missing'
  const newer = findNewer(path, wasmInputs(ROOT))
  if (newer !== null) return newer ? 'stale' : 'fresh'
  return statSync(path).mtimeMs >= wasmInputsMtime() ? 'fresh' : 'stale'
}

function canCompile() {
  try {
    createRequire(join(ROOT, 'package.json')).resolve('assemblyscript/bin/asc.js')
    return true
  } catch {
    return false
  }
}

/** The last non-empty line of a build's output, without the script's own prefix. */
function reason(output) {
  const lines = output.split('\n').filter((l) => l.trim() !== '')
  const last = lines.at(-1) ?? 'no output'
  return last.replace(/^build-wasm: (FAILED: )?/, '')
}

/**
 * Builds the core when it is missing, or stale and AssemblyScript is installed (a production
 * install without dev dependencies keeps the core it shipped with). Progress goes to stderr.
 * Throws ArtifactError when the core is missing and cannot be built.
 */
export function ensureCore(log = (line) => process.stderr.write(`${line}\n`)) {
  const state = coreState()
  if (state === 'fresh') return
  const where = relative(process.cwd(), CORE_WASM) || CORE_WASM
  const hint = 'run `npm install` in the sluice directory (with dev dependencies), then `npm run build:wasm`'
  if (!canCompile()) {
    if (state === 'stale') return
    throw new ArtifactError(`sluice: the WebAssembly core ${where} is missing and AssemblyScript is not installed to build it; ${hint}`)
  }
  const script = join(ROOT, 'scripts', 'build-wasm.mjs')
  if (!existsSync(script)) {
    if (state === 'stale') return
    throw new ArtifactError(
      `sluice: the WebAssembly core ${where} is missing and ${relative(ROOT, script)} is not there to build it; ${hint}`,
    )
  }
  log(`sluice: building the WebAssembly core (${where} is ${state}; once, about 10 to 20 s)…`)
  const r = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.status === 0) {
    log(`sluice: ${reason(r.stdout)}`)
    return
  }
  const why = r.error ? r.error.message : reason(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)
  throw new ArtifactError(`sluice: cannot build the WebAssembly core ${where}: ${why}; ${hint}`)
}

/**
 * Builds the bundled daemon when there is none and esbuild is installed; true when a fresh bundle
 * is there afterwards. Quiet: a failed build only means the sources run through tsx.
 */
export function ensureBundle() {
  if (freshBundle()) return true
  if (existsSync(BUNDLE)) return false
  const script = join(ROOT, 'scripts', 'build-server.mjs')
  if (!existsSync(script)) return false
  try {
    createRequire(join(ROOT, 'package.json')).resolve('esbuild')
  } catch {
    return false
  }
  spawnSync(process.execPath, [script], { cwd: ROOT, stdio: 'ignore' })
  return freshBundle()
}
