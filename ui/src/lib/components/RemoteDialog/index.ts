/** @module Remote dialog component: apply the config to a running sluice, or capture live events from it. */
export { default as RemoteDialog } from './RemoteDialog.svelte'
export * from './types.ts'
