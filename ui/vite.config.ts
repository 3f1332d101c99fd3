/**
 * @module Vite config of the route designer: Svelte 5, a relative base (served at /ui/ by the
 * daemon and as a static site anywhere), core.wasm kept a separate file (never inlined), the
 * preview Web Worker as an ES module, and the repo root readable by the dev server (engine/, wasm/).
 * `npm run ui:build` → ui/dist; `npm run ui:dev` → the dev server.
 */
import { join } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'

const root = import.meta.dirname

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? false : undefined),
    chunkSizeWarningLimit: 2048,
  },
  worker: { format: 'es' },
  server: { fs: { allow: [join(root, '..')] } },
})
