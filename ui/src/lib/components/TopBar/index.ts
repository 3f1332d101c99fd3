/** @module Top bar component: status and the document actions. */
export { default as TopBar } from './TopBar.svelte'
export * from './types.ts'
