/** @module The kept test cases and their results on the current config. */
export { default as TestsPanel } from './TestsPanel.svelte'
export * from './types.ts'
