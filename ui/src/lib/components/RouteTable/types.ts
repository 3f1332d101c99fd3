/** @module Props of the route table. */
import type { ElementPath } from '../../../../../engine/preview/types.ts'
import type { RouteGroup } from '../../config/routes.ts'

export interface RouteTableProps {
  groups: RouteGroup[]
  selected: ElementPath | null
  /** Directives on the selected event's path. */
  hot: ReadonlySet<ElementPath>
  /** Path of the source samples enter through, if any. */
  entry: ElementPath | null
  onSelect(path: ElementPath): void
  /** Move a directive to position `index` of `container` ('' = top level, else a label's path). */
  onMove(path: ElementPath, container: ElementPath, index: number): void
  onToggle(path: ElementPath): void
  onDuplicate(path: ElementPath): void
  onRemove(path: ElementPath): void
  onAdd(container: ElementPath, kind: 'source' | 'filter' | 'match'): void
  onAddLabel(): void
}
