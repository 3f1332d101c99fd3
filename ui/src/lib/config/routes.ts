/**
 * @module The route table: the document's directives as ordered groups (sources, the top-level
 * routes, one group per label), each row with what the table shows — its position, kind, type,
 * pattern, a one-line summary of its key params, its problems, the preview's counts and notes.
 */

import { getParam, type ConfigElement, type ConfigLocs } from '../../../../engine/config/model.ts'
import type { Diagnostic, ElementPath, PreviewElement, PreviewSummary } from '../../../../engine/preview/types.ts'
import { childPath, type DesignDoc } from './document.ts'

export type RowKind = 'source' | 'filter' | 'match'

export interface RouteRow {
  path: ElementPath
  kind: RowKind
  /** 1-based position among the group's rules (sources: among sources). */
  position: number
  type: string
  pattern: string
  id: string | null
  label: string | null
  summary: string
  disabled: boolean
  line: number | undefined
  problems: Diagnostic[]
  /** Preview: events in, and (filters) events passed on; null when the preview has no row for it. */
  events: number | null
  passed: number | null
  /** Preview: why it does not run as written. */
  note: string | null
  /** Copy stores of a match: `@type` and summary of each. */
  stores: { path: ElementPath; type: string; summary: string; events: number | null }[]
}

export interface RouteGroup {
  /** `sources`, `@ROOT` or the label name. */
  key: string
  title: string
  /** Where new rules of this group go ('' = top level, else the label's path). */
  container: ElementPath
  kind: 'sources' | 'router'
  rows: RouteRow[]
  /** Preview: events that entered this router and found no match. */
  unmatched: number | null
  events: number | null
}

/** Param names that best describe a plugin in one line, by @type. */
const SUMMARY_KEYS: Record<string, string[]> = {
  forward: ['bind', 'port', 'host'],
  http: ['endpoint', 'bind', 'port'],
  file: ['path'],
  tail: ['path', 'tag'],
  record_transformer: ['remove_keys', 'keep_keys', 'renew_record'],
}

/**
 * @example
 * routeGroups(doc, locs, diagnostics, summary)[1].rows.map((r) => r.pattern) // ['app.**', '**']
 */
export function routeGroups(
  doc: DesignDoc,
  locs: ConfigLocs | undefined,
  diagnostics: readonly Diagnostic[],
  summary: PreviewSummary | null,
): RouteGroup[] {
  const byPath = new Map<ElementPath, PreviewElement>()
  for (const e of summary?.elements ?? []) byPath.set(e.path, e)
  const problems = new Map<ElementPath, Diagnostic[]>()
  for (const d of diagnostics) {
    if (d.path === undefined) continue
    const top = d.path.split('/')
    // A problem in a nested section belongs to its directive's row.
    for (let n = top.length; n > 0; n--) {
      const p = top.slice(0, n).join('/')
      if (isDirectivePath(doc, p)) {
        problems.set(p, [...(problems.get(p) ?? []), d])
        break
      }
    }
  }
  const count = (path: ElementPath) => {
    const e = byPath.get(path)
    const c = e && summary ? summary.counts[e.index] : undefined
    return { events: c ? c.events : null, passed: c && e?.kind === 'filter' ? c.passed : null, note: e?.note ?? null }
  }
  const row = (e: ConfigElement, path: ElementPath, kind: RowKind, position: number, disabled: boolean): RouteRow => {
    const stores =
      kind === 'match'
        ? e.elements
            .map((s, j) => ({ s, p: childPath(path, j) }))
            .filter(({ s }) => s.name === 'store')
            .map(({ s, p }) => ({ path: p, type: getParam(s, '@type') ?? '', summary: summarize(s), events: count(p).events }))
        : []
    return {
      path,
      kind,
      position,
      type: getParam(e, '@type') ?? '',
      pattern: e.arg,
      id: getParam(e, '@id') ?? null,
      label: getParam(e, '@label') ?? null,
      summary: summarize(e),
      disabled,
      line: locs?.get(e)?.line,
      problems: problems.get(path) ?? [],
      ...count(path),
      stores,
    }
  }
  const sources: RouteGroup = { key: 'sources', title: 'Sources', container: '', kind: 'sources', rows: [], unmatched: null, events: null }
  const rootCount = summary?.routerCounts.find((r) => r.router === '@ROOT')
  const root: RouteGroup = {
    key: '@ROOT',
    title: 'Top-level routes',
    container: '',
    kind: 'router',
    rows: [],
    unmatched: rootCount ? rootCount.unmatched : null,
    events: rootCount ? rootCount.events : null,
  }
  const labels: RouteGroup[] = []
  const visit = (elements: readonly ConfigElement[], prefix: ElementPath, parentDisabled: boolean): void => {
    elements.forEach((e, i) => {
      const path = childPath(prefix, i)
      const disabled = parentDisabled || doc.disabled.has(path)
      if (e.name === 'source') sources.rows.push(row(e, path, 'source', sources.rows.length + 1, disabled))
      else if (e.name === 'filter' || e.name === 'match') root.rows.push(row(e, path, e.name, root.rows.length + 1, disabled))
      else if (e.name === 'worker') visit(e.elements, path, disabled)
      else if (e.name === 'label') {
        const c = summary?.routerCounts.find((r) => r.router === e.arg)
        const group: RouteGroup = {
          key: `label:${path}`,
          title: `<label ${e.arg}>`,
          container: path,
          kind: 'router',
          rows: [],
          unmatched: c ? c.unmatched : null,
          events: c ? c.events : null,
        }
        e.elements.forEach((c2, j) => {
          if (c2.name !== 'filter' && c2.name !== 'match') return
          const p = childPath(path, j)
          group.rows.push(row(c2, p, c2.name, group.rows.length + 1, disabled || doc.disabled.has(p)))
        })
        labels.push(group)
      }
    })
  }
  visit(doc.model.root.elements, '', false)
  return [sources, root, ...labels]
}

function isDirectivePath(doc: DesignDoc, path: ElementPath): boolean {
  let e: ConfigElement | undefined = doc.model.root
  for (const i of path.split('/')) e = e?.elements[Number(i)]
  return e !== undefined && (e.name === 'source' || e.name === 'filter' || e.name === 'match')
}

/** A one-line description of an element's key settings, e.g. `key level =~ /error/` for grep. */
export function summarize(e: ConfigElement): string {
  const type = getParam(e, '@type') ?? ''
  if (type === 'grep') {
    const conds = (section: ConfigElement, neg: boolean): string[] =>
      section.elements
        .filter((c) => c.name === 'regexp' || c.name === 'exclude')
        .map((c) => `${getParam(c, 'key') ?? '?'} ${(c.name === 'exclude') !== neg ? '!~' : '=~'} ${getParam(c, 'pattern') ?? '?'}`)
    const parts = [
      ...conds(e, false),
      ...e.elements.filter((c) => c.name === 'and' || c.name === 'or').map((g) => `${g.name}(${conds(g, false).join(', ')})`),
    ]
    return parts.join(' · ')
  }
  if (type === 'record_transformer') {
    const record = e.elements.filter((c) => c.name === 'record').flatMap((r) => Object.keys(r.params))
    const rest = (SUMMARY_KEYS[type] ?? []).filter((k) => getParam(e, k) !== undefined).map((k) => `${k} ${getParam(e, k)}`)
    return [...(record.length ? [`set ${record.join(', ')}`] : []), ...rest].join(' · ')
  }
  if (type === 'forward' && e.name !== 'source') {
    const servers = e.elements
      .filter((c) => c.name === 'server')
      .map((s) => `${getParam(s, 'host') ?? '?'}:${getParam(s, 'port') ?? '24224'}`)
    if (servers.length) return `→ ${servers.join(', ')}`
  }
  if (type === 'relabel') return `→ ${getParam(e, '@label') ?? '(no @label)'}`
  if (type === 'copy') return `${e.elements.filter((c) => c.name === 'store').length} stores`
  const keys = SUMMARY_KEYS[type] ?? []
  const shown = keys.filter((k) => getParam(e, k) !== undefined).map((k) => `${k} ${getParam(e, k)}`)
  if (shown.length) return shown.join(' · ')
  const params = Object.entries(e.params).filter(([k]) => !k.startsWith('@'))
  return params
    .slice(0, 3)
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ')
}
