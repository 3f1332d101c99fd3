/** @module Impact view component: the current config against the last saved one, over the same samples. */
export { default as ImpactView } from './ImpactView.svelte'
export * from './types.ts'
