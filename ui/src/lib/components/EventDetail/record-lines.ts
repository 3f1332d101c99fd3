/**
 * @module A record as display lines (nested maps indented), each marked added / changed / removed
 * from a list of field changes; removed fields are appended where they were.
 */

import type { FieldChange } from '../../../../../engine/preview/types.ts'
import { valueText } from '../../../../../engine/records/value-text.ts'

export interface RecordLine {
  depth: number
  key: string
  /** Value text, '' for a nested map's header line. */
  value: string
  mark: 'added' | 'changed' | 'removed' | null
  /** For changed fields: the value before. */
  before?: string
  open?: boolean
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype

/**
 * @example
 * recordLines({ a: 1 }, [{ path: ['a'], kind: 'added', after: 1 }]) // [{ depth: 0, key: 'a', value: '1', mark: 'added' }]
 */
export function recordLines(record: Record<string, unknown>, changes: readonly FieldChange[] = []): RecordLine[] {
  const byPath = new Map(changes.map((c) => [c.path.join('\u0000'), c]))
  const removedUnder = (path: string[]) =>
    changes.filter(
      (c) => c.kind === 'removed' && c.path.length === path.length + 1 && c.path.slice(0, -1).join('\u0000') === path.join('\u0000'),
    )
  const out: RecordLine[] = []
  const walk = (map: Record<string, unknown>, path: string[], inherited: RecordLine['mark']): void => {
    for (const [key, value] of Object.entries(map)) {
      const p = [...path, key]
      const change = byPath.get(p.join('\u0000'))
      const mark = inherited ?? (change?.kind === 'added' ? 'added' : change?.kind === 'changed' ? 'changed' : null)
      if (isMap(value) && Object.keys(value).length > 0) {
        out.push({ depth: path.length, key, value: '', mark, open: true })
        walk(value, p, mark === 'added' ? 'added' : null)
      } else {
        out.push({
          depth: path.length,
          key,
          value: valueText(value, 300),
          mark,
          ...(change?.kind === 'changed' && !inherited ? { before: valueText(change.before, 120) } : {}),
        })
      }
    }
    for (const c of removedUnder(path))
      out.push({ depth: path.length, key: c.path[c.path.length - 1], value: valueText(c.before, 300), mark: 'removed' })
  }
  walk(record, [], null)
  return out
}
