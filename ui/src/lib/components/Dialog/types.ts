/** @module Props of the modal dialog. */
import type { Snippet } from 'svelte'

export interface DialogProps {
  title: string
  open: boolean
  onClose(): void
  children: Snippet
  /** Buttons at the bottom. */
  actions?: Snippet
  width?: number
  testid?: string
}
