/** @module Props of the .conf text editor. */
import type { Diagnostic } from '../../../../../engine/preview/types.ts'

export interface ConfTextProps {
  text: string
  diagnostics: readonly Diagnostic[]
  /** Lines of the selected directive, highlighted. */
  highlight: { from: number; to: number } | null
  /** Set to move the caret to a line (a new object each time). */
  reveal: { line: number } | null
  onInput(text: string): void
  /** The caret moved to a line (1-based). */
  onCaret(line: number): void
}
