/**
 * @module Loads core.wasm in a browser (or any runtime with fetch and instantiateStreaming).
 */

import { Core } from './core.ts'

export async function loadCoreFromUrl(url: string | URL): Promise<Core> {
  const { instance } = await WebAssembly.instantiateStreaming(fetch(url), {})
  return Core.fromInstance(instance)
}
