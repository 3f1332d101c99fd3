/** @module The Fluentd .conf text view: editable, highlighted, errors at their lines. */
export { default as ConfText } from './ConfText.svelte'
export * from './types.ts'
export { highlightLine } from './highlight.ts'
