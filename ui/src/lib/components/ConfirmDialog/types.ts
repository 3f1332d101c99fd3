/** @module Props of the confirmation dialog. */

export interface ConfirmRequest {
  title: string
  message: string
  /** The button that goes ahead (e.g. "Discard my edits"). */
  confirm: string
  /** A destructive action: the button is red. */
  danger?: boolean
}

export interface ConfirmDialogProps {
  request: ConfirmRequest | null
  onAnswer(yes: boolean): void
}
