/** @module Samples panel component: paste, upload, bundled sets, live capture; tag, format and entry source. */
export { default as SamplesPanel } from './SamplesPanel.svelte'
export * from './types.ts'
