/** @module Props of the connection dialog. */
import type { DaemonLink } from '../../state/daemon.svelte.ts'

export interface ConnectDialogProps {
  open: boolean
  daemon: DaemonLink
  /** Why it is asked for (shown on top), e.g. "The live tap reads from a running sluice." */
  reason: string
  onClose(): void
  /** Connected: the daemon answered. */
  onConnected(): void
}
