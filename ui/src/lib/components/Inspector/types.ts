/** @module Props of the inspector (the selected directive's settings). */
import type { Diagnostic, ElementPath, PreviewElement } from '../../../../../engine/preview/types.ts'
import type { DesignDoc } from '../../config/document.ts'

export interface InspectorProps {
  doc: DesignDoc
  path: ElementPath | null
  diagnostics: readonly Diagnostic[]
  /** The preview's row for the selected directive (mode, note, counts). */
  preview: PreviewElement | null
  events: { in: number; out: number } | null
  /** Labels defined in the config, for @label. */
  labels: string[]
  onApply(doc: DesignDoc, select?: ElementPath | null): void
  onClose(): void
}
