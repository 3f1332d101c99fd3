/** @module Props of the event detail view and its record view. */
import type { EventDetails, FieldChange, PreviewSummary } from '../../../../../engine/preview/types.ts'

export interface EventDetailProps {
  details: EventDetails | null
  summary: PreviewSummary | null
  onSelectElement(index: number): void
  /** Keep this event, and what happens to it now, as a `sluice test` case. */
  onKeep(index: number): void
}

export interface RecordViewProps {
  record: Record<string, unknown>
  /** Changes to highlight: added and changed fields are marked, removed ones shown struck out. */
  changes?: readonly FieldChange[]
}
