/**
 * @module Loads core.wasm in Node from wasm/build/ (built by `npm run build:wasm`).
 */

import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Core } from './core.ts'

/** Where the release build lands (next to this file in the sources; ../wasm/build from dist/). */
export const CORE_WASM_PATH =
  [new URL('./build/core.wasm', import.meta.url), new URL('../wasm/build/core.wasm', import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((path) => existsSync(path)) ?? fileURLToPath(new URL('./build/core.wasm', import.meta.url))

let compiled: Promise<WebAssembly.Module> | null = null

/** Compiles the module once per process; each call gives a new instance (its own memory). */
export async function loadCore(path: string = CORE_WASM_PATH): Promise<Core> {
  if (path !== CORE_WASM_PATH) return Core.fromModule(await WebAssembly.compile(await readFile(path)))
  compiled ??= readFile(path).then((bytes) => WebAssembly.compile(bytes))
  return Core.fromModule(await compiled)
}
