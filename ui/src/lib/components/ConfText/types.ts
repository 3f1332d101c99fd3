/** @module Props of the .conf text editor. */
import type { Diagnostic } from '../../../../../engine/preview/types.ts'

export interface ConfTextProps {
  text: string
  diagnostics: readonly Diagnostic[]
  /** Lines of the selected directive, highlighted. */
  highlight: { from: number; to: number } | null
  /** Moves the caret to a line ONCE per `id` (picking a problem); typing afterwards is never pulled back. */
  reveal: { line: number; id: number } | null
  onInput(text: string): void
  /** The caret went to `reveal.line`: the owner clears `reveal` (it must not happen again). */
  onRevealed(): void
  /** The caret was moved by a click or a navigation key (not by typing): typing there is a new undo step. */
  onCaretJump(): void
  /** The caret moved to a line (1-based). */
  onCaret(line: number): void
  /** Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y): the designer's history (the text is the document). */
  onUndo(): void
  onRedo(): void
}
