/** @module Props of the parse preview. */
import type { PreviewStore } from '../../state/preview.svelte.ts'

export interface ParsePanelProps {
  preview: PreviewStore
}
