/**
 * @module How the designer names where an event went: the match (pattern and @type) that took it,
 * the filter that dropped it, or "no patterns matched" in its router — with a colour tone.
 */

import type { PreviewElement, PreviewSummary } from '../../../../engine/preview/types.ts'
import { Outcome } from '../../../../engine/preview/types.ts'

export type Tone = 'green' | 'red' | 'amber' | 'blue' | 'muted'

export interface OutcomeLabel {
  text: string
  tone: Tone
  /** The element it names, if any. */
  element: PreviewElement | null
}

export function elementText(e: PreviewElement | undefined): string {
  if (e === undefined) return '?'
  if (e.kind === 'store') return `store ${e.type || '?'}`
  if (e.kind === 'source') return `source ${e.type || '?'}`
  return `${e.kind === 'filter' ? 'filter' : 'match'} ${e.pattern || '**'} · ${e.type || 'no @type'}`
}

/**
 * @example
 * outcomeLabel(summary, Outcome.Unmatched, 0) // { text: 'no patterns matched (@ROOT)', tone: 'amber', element: null }
 */
export function outcomeLabel(summary: PreviewSummary, outcome: number, target: number): OutcomeLabel {
  const e = target >= 0 ? summary.elements[target] : undefined
  switch (outcome) {
    case Outcome.Delivered: {
      const where = e?.router && e.router !== '@ROOT' ? ` in ${e.router}` : ''
      return { text: `${elementText(e)}${where}`, tone: e?.router === '@ERROR' ? 'red' : 'green', element: e ?? null }
    }
    case Outcome.Unmatched:
      return { text: `no patterns matched (${summary.routers[target] ?? '?'})`, tone: 'amber', element: null }
    case Outcome.Dropped:
      return { text: `dropped by ${elementText(e)}`, tone: 'red', element: e ?? null }
    case Outcome.Error:
      return { text: e ? `error in ${elementText(e)}` : 'error', tone: 'red', element: e ?? null }
    default:
      return { text: e ? `consumed by ${elementText(e)}` : 'not delivered', tone: 'muted', element: e ?? null }
  }
}

export const OUTCOME_NAMES = ['delivered', 'no match', 'dropped', 'error', 'consumed'] as const
