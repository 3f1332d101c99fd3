/** @module Tells TypeScript that a `.wasm` import is a compiled WebAssembly.Module, as wrangler/workerd provide it. */
declare module '*.wasm' {
  const module: WebAssembly.Module
  export default module
}
