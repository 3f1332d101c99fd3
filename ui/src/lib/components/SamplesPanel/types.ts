/** @module Props of the samples panel. */
import type { ElementPath } from '../../../../../engine/preview/types.ts'
import type { LiveTap } from '../../state/live.svelte.ts'
import type { PreviewStore } from '../../state/preview.svelte.ts'

export interface SourceChoice {
  path: ElementPath
  text: string
}

export interface SamplesPanelProps {
  preview: PreviewStore
  /** Sources samples can enter through. */
  sources: SourceChoice[]
  live: LiveTap
  /** Start or stop the live tap (the page knows the daemon). */
  onLive(): void
  /** The daemon the tap reads from, for the label. */
  daemonLabel: string
}
