/** @module Props of the problems list. */
import type { Diagnostic } from '../../../../../engine/preview/types.ts'

export interface ProblemsListProps {
  diagnostics: readonly Diagnostic[]
  onPick(diagnostic: Diagnostic): void
}
