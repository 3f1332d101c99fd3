/**
 * @module How the designer names where an event went: the match (pattern and @type) that took it,
 * the filter that dropped it, or "no patterns matched" in its router — with the palette's name for
 * what that means (app.css) — and how a change in a destination's count reads.
 */

import type { PreviewElement, PreviewSummary } from '../../../../engine/preview/types.ts'
import { Outcome } from '../../../../engine/preview/types.ts'

/** Palette names (app.css `.pill.<tone>`): what the outcome means, never a hue. */
export type Tone = 'good' | 'error' | 'warning' | 'dropped' | 'neutral'

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
 * outcomeLabel(summary, Outcome.Unmatched, 0) // { text: 'no patterns matched (@ROOT)', tone: 'warning', element: null }
 */
export function outcomeLabel(summary: PreviewSummary, outcome: number, target: number): OutcomeLabel {
  const e = target >= 0 ? summary.elements[target] : undefined
  switch (outcome) {
    case Outcome.Delivered: {
      const where = e?.router && e.router !== '@ROOT' ? ` in ${e.router}` : ''
      return { text: `${elementText(e)}${where}`, tone: e?.router === '@ERROR' ? 'error' : 'good', element: e ?? null }
    }
    case Outcome.Unmatched:
      return { text: `no patterns matched (${summary.routers[target] ?? '?'})`, tone: 'warning', element: null }
    case Outcome.Dropped:
      return { text: `dropped by ${elementText(e)}`, tone: 'dropped', element: e ?? null }
    case Outcome.Error:
      return { text: e ? `error in ${elementText(e)}` : 'error', tone: 'error', element: e ?? null }
    default:
      return { text: e ? `consumed by ${elementText(e)}` : 'not delivered', tone: 'neutral', element: e ?? null }
  }
}

export const OUTCOME_NAMES = ['delivered', 'no match', 'dropped', 'error', 'consumed'] as const

/** How a destination's count moving by `delta` between the baseline and the edits reads (palette names). */
export type DeltaTone = 'change' | 'better' | 'worse' | ''

/**
 * Events that reach another output (or are consumed elsewhere) are a change; more events dropped,
 * unmatched or in error are worse, fewer are better.
 * @example
 * deltaTone(Outcome.Dropped, 3) // 'worse'
 * deltaTone(Outcome.Delivered, -3) // 'change'
 */
export function deltaTone(outcome: number, delta: number): DeltaTone {
  if (delta === 0) return ''
  if (outcome === Outcome.Delivered || outcome === Outcome.Consumed) return 'change'
  return delta > 0 ? 'worse' : 'better'
}
