/** @module Props of the impact view. */
import type { Impact } from '../../../../../engine/preview/impact.ts'

export interface ImpactViewProps {
  impact: Impact | null
  /** Whether a saved config exists to compare with. */
  hasBaseline: boolean
  /** The saved config differs from the current one. */
  modified: boolean
  onSelect(index: number): void
  onSave(): void
}
