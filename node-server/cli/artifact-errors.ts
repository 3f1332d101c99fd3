/**
 * @module One line instead of a stack trace when a built artifact the CLI loads is missing or
 * broken: the WebAssembly core (wasm/build/core.wasm) that cannot be read or compiled. The
 * executable builds a missing core before it gets here (bin/artifacts.mjs); this covers what is
 * left (a core deleted or damaged after the check, an unreadable build directory).
 */

import { CORE_WASM_PATH } from '../../wasm/load-node.ts'

const REBUILD = 'rebuild it with `npm run build:wasm` (in the sluice directory, after `npm install`)'

/** The line to print for a failure to load the core, or null when `error` is something else. */
export function artifactFailure(error: unknown): string | null {
  if (error instanceof WebAssembly.CompileError)
    return `sluice: the WebAssembly core ${CORE_WASM_PATH} is not a valid WebAssembly module (${error.message}); ${REBUILD}`
  const e = error as NodeJS.ErrnoException | null
  if (e && typeof e === 'object' && typeof e.path === 'string' && e.path.endsWith('.wasm')) {
    const what = e.code === 'ENOENT' ? 'is missing' : `cannot be read (${e.code ?? e.message})`
    return `sluice: the WebAssembly core ${e.path} ${what}; ${REBUILD}`
  }
  return null
}
