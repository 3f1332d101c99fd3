/** @module Props of the impact view. */
import type { Impact } from '../../../../../engine/preview/impact.ts'

export interface ImpactViewProps {
  impact: Impact | null
  /** What the edits are compared with: 'running' (the daemon's config) or 'saved' (saved here), or null. */
  baseline: 'running' | 'saved' | null
  /** The edited config differs from the baseline. */
  modified: boolean
  onSelect(index: number): void
  onSave(): void
}
