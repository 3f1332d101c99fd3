/** @module Props of the top bar. */

/** Where the document comes from, as the top bar says it. */
export interface OriginInfo {
  /** `running on 127.0.0.1:24220`, `saved here`, `draft`. */
  text: string
  /** 'running': the daemon's config; 'saved': saved here; 'draft': nothing to compare with. */
  kind: 'running' | 'saved' | 'draft'
  /** Longer explanation (tooltip). */
  title: string
}

export interface TopBarProps {
  errors: number
  warnings: number
  /** The config differs from the baseline (the running or saved one). */
  modified: boolean
  origin: OriginInfo
  canUndo: boolean
  canRedo: boolean
  /** A daemon answers: "Load running" reads its config. */
  connected: boolean
  onUndo(): void
  onRedo(): void
  onNew(): void
  onLoadRunning(): void
  onRevert(): void
  onImport(file: File): void
  onExportConf(): void
  onExportJson(): void
  onShare(): void
  onApply(): void
  onProblems(): void
}
