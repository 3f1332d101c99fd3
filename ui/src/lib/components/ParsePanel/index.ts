/** @module The parse preview: raw lines through any parser plugin. */
export { default as ParsePanel } from './ParsePanel.svelte'
export * from './types.ts'
