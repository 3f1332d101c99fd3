/** @module Share dialog component: a link with the config (and, after a warning, the samples) in its fragment. */
export { default as ShareDialog } from './ShareDialog.svelte'
export * from './types.ts'
