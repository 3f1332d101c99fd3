/** @module Props of the samples panel. */
import type { ElementPath } from '../../../../../engine/preview/types.ts'
import type { PreviewStore } from '../../state/preview.svelte.ts'

export interface SourceChoice {
  path: ElementPath
  text: string
}

export interface SamplesPanelProps {
  preview: PreviewStore
  /** Sources samples can enter through. */
  sources: SourceChoice[]
  onTap(): void
}
