/** @module Which running sluice the designer talks to (API address, token). */
export { default as ConnectDialog } from './ConnectDialog.svelte'
export * from './types.ts'
