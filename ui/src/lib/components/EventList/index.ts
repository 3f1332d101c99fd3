/** @module Events list component: every sample with its tag and destination, virtualized. */
export { default as EventList } from './EventList.svelte'
export * from './types.ts'
