/** @module Props of the share dialog. */
import type { SecretUse } from '../../config/secrets.ts'

export interface ShareDialogProps {
  open: boolean
  onClose(): void
  config: string
  samples: string
  sampleCount: number
  tag: string
  format: string
  secrets: SecretUse[]
}
