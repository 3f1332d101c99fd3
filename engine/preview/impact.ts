/**
 * @module The impact view: the same samples through two configs (the last saved one and the
 * current one), compared sample by sample — where each one ends up (described by the element
 * it reached, so rows that moved still compare equal) and whether the record that arrives changed —
 * plus the per-destination counts before and after.
 */

import type { PreviewElement, PreviewSummary } from './types.ts'
import { Outcome } from './types.ts'

export interface ImpactChange {
  index: number
  before: string
  after: string
  /** Same destination, different record. */
  recordChanged: boolean
}

export interface ImpactRoute {
  destination: string
  /** What reaching it means (an `Outcome` value): more events delivered is a change, more dropped is a loss. */
  outcome: Outcome
  before: number
  after: number
}

export interface Impact {
  compared: number
  unchanged: number
  /** Samples whose destination changed. */
  rerouted: number
  /** Samples with the same destination whose record changed. */
  modified: number
  changes: ImpactChange[]
  routes: ImpactRoute[]
}

/** A readable, config-position-independent name for where sample `i` ended up. */
export function destinationOf(summary: PreviewSummary, i: number): string {
  const o = summary.outcome[i]
  const t = summary.target[i]
  const el = (k: number) => describeElement(summary.elements[k])
  switch (o) {
    case Outcome.Delivered: {
      const extra = summary.fanout[i] ?? []
      return [t, ...extra].map(el).join(' + ')
    }
    case Outcome.Unmatched:
      return `no match (${summary.routers[t] ?? '?'})`
    case Outcome.Dropped:
      return `dropped by ${el(t)}`
    case Outcome.Error:
      return t >= 0 ? `error in ${el(t)}` : 'error'
    default:
      return t >= 0 ? `consumed by ${el(t)}` : 'consumed'
  }
}

/** `<match app.**> @type forward @id x (@ROOT)` */
export function describeElement(e: PreviewElement | undefined): string {
  if (e === undefined) return '?'
  const name = e.kind === 'store' ? 'store' : e.kind
  const tag = e.kind === 'store' || e.kind === 'source' ? `<${name}>` : `<${name} ${e.pattern || '**'}>`
  return `${tag} @type ${e.type || '?'}${e.id ? ` @id ${e.id}` : ''}${e.router !== '@ROOT' ? ` in ${e.router}` : ''}`
}

/**
 * Compares two runs over the same samples. `outputs` are the entries each sample delivered
 * (Previewer.lastOutputs), used to tell whether the record changed.
 *
 * @example
 * const impact = compareRuns(saved, savedOutputs, current, currentOutputs)
 * impact.rerouted // samples that go elsewhere now
 */
export function compareRuns(
  before: PreviewSummary,
  beforeOutputs: readonly (Uint8Array | null)[],
  after: PreviewSummary,
  afterOutputs: readonly (Uint8Array | null)[],
  limit = 10_000,
): Impact {
  const n = Math.min(before.outcome.length, after.outcome.length)
  const changes: ImpactChange[] = []
  const routes = new Map<string, ImpactRoute>()
  const route = (d: string, outcome: number) => {
    let r = routes.get(d)
    if (r === undefined) routes.set(d, (r = { destination: d, outcome: outcome as Outcome, before: 0, after: 0 }))
    return r
  }
  let unchanged = 0
  let rerouted = 0
  let modified = 0
  for (let i = 0; i < n; i++) {
    const b = destinationOf(before, i)
    const a = destinationOf(after, i)
    route(b, before.outcome[i]).before++
    route(a, after.outcome[i]).after++
    if (a !== b) {
      rerouted++
      if (changes.length < limit) changes.push({ index: i, before: b, after: a, recordChanged: false })
      continue
    }
    const ob = beforeOutputs[i] ?? null
    const oa = afterOutputs[i] ?? null
    if (ob !== oa && (ob === null || oa === null || !sameBytes(ob, oa))) {
      modified++
      if (changes.length < limit) changes.push({ index: i, before: b, after: a, recordChanged: true })
      continue
    }
    unchanged++
  }
  return {
    compared: n,
    unchanged,
    rerouted,
    modified,
    changes,
    routes: [...routes.values()].sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before) || y.after - x.after),
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
