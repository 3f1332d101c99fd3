/** @module Props of the dialog that talks to a running sluice. */
export interface RemoteDialogProps {
  open: boolean
  mode: 'apply' | 'tap'
  onClose(): void
  /** The config text to validate and apply. */
  text: string
  /** Replace the designer's config with the running one. */
  onLoadConfig(text: string): void
  /** Captured events (one JSON `{tag, time, record}` per line) to add to the samples. */
  onCaptured(lines: string[]): void
}
