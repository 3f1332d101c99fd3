/** @module A draggable bar between two panes. */
export { default as Splitter } from './Splitter.svelte'
export * from './types.ts'
