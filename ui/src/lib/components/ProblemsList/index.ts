/** @module Problems list component: every error and warning of the config, with its line. */
export { default as ProblemsList } from './ProblemsList.svelte'
export * from './types.ts'
