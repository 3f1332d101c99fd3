/** @module Props of the pipeline graph. */
import type { ElementPath } from '../../../../../engine/preview/types.ts'
import type { GraphLayout } from '../../config/graph.ts'

export interface PipelineGraphProps {
  layout: GraphLayout
  selected: ElementPath | null
  onSelect(path: ElementPath): void
  /** The canvas's width changed (the layout widens its nodes to use it). */
  onWidth(width: number): void
}
