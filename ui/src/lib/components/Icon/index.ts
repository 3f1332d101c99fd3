/** @module Icon component. */
export { default as Icon } from './Icon.svelte'
export * from './types.ts'
