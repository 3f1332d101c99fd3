/** @module Apply to the running sluice: diff, reload plan, impact, confirm, the daemon's answer. */
export { default as ApplyDialog } from './ApplyDialog.svelte'
export * from './types.ts'
