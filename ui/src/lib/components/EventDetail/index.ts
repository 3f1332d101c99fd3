/** @module Event detail component: one sample's route trace, per-step changes and final record. */
export { default as EventDetail } from './EventDetail.svelte'
export { default as RecordView } from './RecordView.svelte'
export * from './types.ts'
export { recordLines } from './record-lines.ts'
