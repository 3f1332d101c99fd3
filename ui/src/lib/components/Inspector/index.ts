/** @module Inspector component: the selected directive's @type, pattern, reserved params and schema form. */
export { default as Inspector } from './Inspector.svelte'
export * from './types.ts'
