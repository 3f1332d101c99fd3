/** @module Props of the Apply dialog. */
import type { Baseline } from '../../state/designer.svelte.ts'
import type { DaemonLink } from '../../state/daemon.svelte.ts'
import type { PreviewStore } from '../../state/preview.svelte.ts'

export interface ApplyDialogProps {
  open: boolean
  onClose(): void
  daemon: DaemonLink
  preview: PreviewStore
  /** The config to apply (the designer's text). */
  text: string
  /** What the designer compares with: when it is the running config read with secrets masked, the real secrets are put back before applying. */
  baseline: Baseline | null
  /** The daemon took it: it is the running config now. */
  onApplied(text: string): void
}
