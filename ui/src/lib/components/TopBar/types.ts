/** @module Props of the top bar. */
export interface TopBarProps {
  errors: number
  warnings: number
  /** Unsaved changes against the baseline. */
  modified: boolean
  hasBaseline: boolean
  /** Preview status text, e.g. "10,000 events · 38 ms". */
  status: string
  onNew(): void
  onImport(file: File): void
  onExportConf(): void
  onExportJson(): void
  onShare(): void
  onSave(): void
  onApply(): void
  onProblems(): void
}
