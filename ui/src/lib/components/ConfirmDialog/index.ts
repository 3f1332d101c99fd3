/** @module Asks before doing something that cannot be taken back silently. */
export { default as ConfirmDialog } from './ConfirmDialog.svelte'
export * from './types.ts'
