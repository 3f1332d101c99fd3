/** @module Props of the pane splitter. */

export interface SplitterProps {
  /** 'col': a vertical bar between side-by-side panes (drag left/right); 'row': a horizontal bar (drag up/down). */
  direction: 'col' | 'row'
  /** Called with the pointer's movement in pixels since the last call (positive: right / down). */
  onResize(delta: number): void
  /** Double-click: back to the default size. */
  onReset?(): void
  label: string
  testid?: string
}
