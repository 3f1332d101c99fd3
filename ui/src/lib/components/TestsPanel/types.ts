/** @module Props of the tests panel. */
import type { PreviewStore } from '../../state/preview.svelte.ts'

export interface TestsPanelProps {
  preview: PreviewStore
  /** Shows a message in the page's notice bar. */
  onNotice(text: string): void
}
