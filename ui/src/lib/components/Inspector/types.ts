/** @module Props of the inspector (the selected directive's settings). */
import type { Diagnostic, ElementPath, PreviewElement } from '../../../../../engine/preview/types.ts'
import type { DesignDoc } from '../../config/document.ts'
import type { ChangeKind } from '../../config/history.ts'

export interface InspectorProps {
  doc: DesignDoc
  path: ElementPath | null
  diagnostics: readonly Diagnostic[]
  /** The preview's row for the selected directive (mode, note, counts). */
  preview: PreviewElement | null
  events: { in: number; out: number } | null
  /** Labels defined in the config, for @label. */
  labels: string[]
  /** A new document; `kind` says whether it joins the previous undo step (typing in a field does). */
  onApply(doc: DesignDoc, select?: ElementPath | null, kind?: ChangeKind): void
  onClose(): void
}
