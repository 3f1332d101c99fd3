/** @module Props of the events list. */
import type { PreviewStore } from '../../state/preview.svelte.ts'

export type EventFilter = 'all' | 'delivered' | 'dropped' | 'unmatched' | 'changed' | 'error'

export interface EventListProps {
  preview: PreviewStore
}
