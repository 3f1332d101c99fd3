/**
 * @module The pipeline graph's layout (plain SVG geometry, no library): one lane per router
 * (top-level routes, then each label), stacked. Events enter a lane at its router node (fed by the
 * sources that point at it, on its left) and run DOWN a "bus" through the rules in config order —
 * the order of the route table: filters sit on the bus; each match branches off to the right, with
 * its output(s) beside it — the first matching branch takes the event, the bus ends in "no match".
 * Relabel outputs link back to the router of their label. A selected event's path is marked hot.
 * Reading top to bottom keeps the graph narrow: it fits a side pane at 100%, and nodes widen to use
 * the pane's width (`width`).
 */

import { getParam, type ConfigElement } from '../../../../engine/config/model.ts'
import type { Diagnostic, ElementPath, EventDetails, PreviewElement, PreviewSummary } from '../../../../engine/preview/types.ts'
import { childPath, type DesignDoc } from './document.ts'
import { summarize } from './routes.ts'

export type NodeKind = 'source' | 'router' | 'filter' | 'match' | 'output' | 'nomatch'

export interface GraphNode {
  key: string
  path: ElementPath | null
  kind: NodeKind
  router: string
  x: number
  y: number
  w: number
  h: number
  title: string
  subtitle: string
  /** Preview count shown on the node. */
  badge: string | null
  disabled: boolean
  severity: 'error' | 'warning' | null
  hot: boolean
  /** Where the selected event ended: 'drop' (a filter removed it), 'unmatched', 'delivered'. */
  tone: 'drop' | 'unmatched' | 'delivered' | null
}

export interface GraphEdge {
  key: string
  /** SVG path data. */
  d: string
  hot: boolean
  dashed: boolean
  label: string | null
  lx: number
  ly: number
}

export interface GraphLayout {
  nodes: GraphNode[]
  edges: GraphEdge[]
  lanes: { key: string; title: string; y: number; h: number }[]
  width: number
  height: number
  /** The width nodes were laid out with (text is clipped to it). */
  nodeWidth: number
}

/** The path of one event through the config, for highlighting. */
export interface Highlight {
  routers: Set<string>
  filters: Set<ElementPath>
  outputs: Set<ElementPath>
  dropped: ElementPath | null
  unmatched: Set<string>
  /** The last rule the event reached on each router's bus (its match, its dropping filter). */
  stops: Map<string, ElementPath>
  source: ElementPath | null
}

const NODE_H = 40
const GAP = 10
const SOURCE_X = 12
const ROUTER_W = 108
/** Node widths: at least this, wider when the pane has room (up to MAX_W). */
const MIN_W = 132
const MAX_W = 210
/** Space between a rule row and the next. */
const ROW_GAP = 16
/** Horizontal run from the bus to a match, and from a match to its outputs. */
const BRANCH = 44
const OUT_GAP = 30

/** The highlight of one event, from its details and the summary's element table. */
export function highlightOf(details: EventDetails | null, summary: PreviewSummary | null): Highlight | null {
  if (details === null || summary === null) return null
  const pathOf = (i: number) => summary.elements[i]?.path
  const h: Highlight = {
    routers: new Set(),
    filters: new Set(),
    outputs: new Set(),
    dropped: null,
    unmatched: new Set(),
    stops: new Map(),
    source: null,
  }
  if (summary.entry >= 0) h.source = pathOf(summary.entry) ?? null
  let router = '@ROOT'
  for (const step of details.steps) {
    if (step.kind === 'router') {
      router = step.router
      h.routers.add(step.router)
    } else if (step.kind === 'filter') {
      const p = pathOf(step.element)
      if (p === undefined) continue
      h.filters.add(p)
      if (step.dropped) {
        h.dropped ??= p
        h.stops.set(router, p)
      }
    } else if (step.kind === 'output') {
      const e = summary.elements[step.element]
      if (e === undefined) continue
      h.outputs.add(e.path)
      const top = e.kind === 'store' ? e.path.slice(0, e.path.lastIndexOf('/')) : e.path
      h.outputs.add(top)
      if (!h.stops.has(e.router)) h.stops.set(e.router, top)
    } else if (step.kind === 'unmatched') h.unmatched.add(step.router)
  }
  return h
}

/**
 * @example
 * const layout = layoutGraph(doc, summary, diagnostics, highlightOf(details, summary))
 * layout.nodes.filter((n) => n.hot) // the selected event's path
 */
export function layoutGraph(
  doc: DesignDoc,
  summary: PreviewSummary | null,
  diagnostics: readonly Diagnostic[],
  highlight: Highlight | null,
  /** The pane's width in pixels: nodes widen to use it (never narrower than MIN_W). */
  width = 0,
): GraphLayout {
  const counts = new Map<ElementPath, { events: number; passed: number; element: PreviewElement }>()
  for (const e of summary?.elements ?? []) {
    const c = summary!.counts[e.index]
    counts.set(e.path, { events: c.events, passed: c.passed, element: e })
  }
  const severityOf = (path: ElementPath): GraphNode['severity'] => {
    let worst: GraphNode['severity'] = null
    for (const d of diagnostics) {
      if (d.path === undefined || (d.path !== path && !d.path.startsWith(path + '/'))) continue
      if (d.severity === 'error') return 'error'
      if (d.severity === 'warning') worst = 'warning'
    }
    return worst
  }

  interface Lane {
    key: string
    router: string
    title: string
    rules: { e: ConfigElement; path: ElementPath; disabled: boolean }[]
  }
  const lanes: Lane[] = [{ key: '@ROOT', router: '@ROOT', title: 'Top-level routes', rules: [] }]
  const sources: { e: ConfigElement; path: ElementPath; disabled: boolean }[] = []
  const visit = (elements: readonly ConfigElement[], prefix: string, off: boolean): void => {
    elements.forEach((e, i) => {
      const path = childPath(prefix, i)
      const disabled = off || doc.disabled.has(path)
      if (e.name === 'source') sources.push({ e, path, disabled })
      else if (e.name === 'filter' || e.name === 'match') lanes[0].rules.push({ e, path, disabled })
      else if (e.name === 'worker') visit(e.elements, path, disabled)
      else if (e.name === 'label') {
        const lane: Lane = { key: `label:${path}`, router: e.arg, title: `<label ${e.arg}>`, rules: [] }
        e.elements.forEach((c, j) => {
          const p = childPath(path, j)
          if (c.name === 'filter' || c.name === 'match') lane.rules.push({ e: c, path: p, disabled: disabled || doc.disabled.has(p) })
        })
        lanes.push(lane)
      }
    })
  }
  visit(doc.model.root.elements, '', false)

  // Columns: sources | router + bus (filters on it) | matches | outputs. Widen nodes to fill the pane.
  const fixed = SOURCE_X + 30 + BRANCH + OUT_GAP + 24
  const nodeW = Math.max(MIN_W, Math.min(MAX_W, Math.floor((width - fixed) / 4)))
  const routerX = SOURCE_X + nodeW + 30
  const busX = routerX + Math.max(ROUTER_W, nodeW) / 2
  const filterX = busX - nodeW / 2
  const matchX = busX + nodeW / 2 + BRANCH
  const outX = matchX + nodeW + OUT_GAP

  const nodes: GraphNode[] = []
  const edges: GraphEdge[] = []
  const laneBoxes: GraphLayout['lanes'] = []
  const routerNodes = new Map<string, GraphNode>()
  const relabels: { from: GraphNode; label: string; hot: boolean }[] = []
  let top = 12
  let right = busX + nodeW / 2
  for (const lane of lanes) {
    const laneSources = sources.filter(
      ({ e }) =>
        (getParam(e, '@label') ?? '@ROOT') === lane.router ||
        (lane.router === '@ROOT' && !lanes.some((l) => l.router === getParam(e, '@label'))),
    )
    const routerY = top + 24
    const hotRouter = highlight?.routers.has(lane.router) ?? false
    const routerNode: GraphNode = {
      key: `router:${lane.key}`,
      path: null,
      kind: 'router',
      router: lane.router,
      x: busX - ROUTER_W / 2,
      y: routerY,
      w: ROUTER_W,
      h: NODE_H,
      title: lane.router === '@ROOT' ? '@ROOT' : lane.router,
      subtitle: routerSubtitle(summary, lane.router),
      badge: null,
      disabled: false,
      severity: null,
      hot: hotRouter,
      tone: null,
    }
    nodes.push(routerNode)
    routerNodes.set(lane.router, routerNode)
    let bottom = routerY + NODE_H
    laneSources.forEach(({ e, path, disabled }, k) => {
      const y = routerY + k * (NODE_H + GAP)
      const hot = highlight?.source === path
      const node: GraphNode = {
        key: `source:${path}`,
        path,
        kind: 'source',
        router: lane.router,
        x: SOURCE_X,
        y,
        w: nodeW,
        h: NODE_H,
        title: getParam(e, '@type') || '(no @type)',
        subtitle: summarize(e) || 'source',
        badge: null,
        disabled,
        severity: severityOf(path),
        hot,
        tone: null,
      }
      nodes.push(node)
      edges.push({
        key: `e:${node.key}`,
        d: curve(SOURCE_X + nodeW, y + NODE_H / 2, routerNode.x, routerY + NODE_H / 2),
        hot,
        dashed: disabled,
        label: null,
        lx: 0,
        ly: 0,
      })
      bottom = Math.max(bottom, y + NODE_H)
    })
    // The bus: events move down until a match takes them, a filter drops them, or the end.
    const stop = highlight?.stops.get(lane.router)
    let stopIndex = stop === undefined ? -1 : lane.rules.findIndex((r) => r.path === stop)
    const unmatched = highlight?.unmatched.has(lane.router) ?? false
    if (hotRouter && stopIndex < 0 && unmatched) stopIndex = lane.rules.length
    let prevY = routerY + NODE_H
    let y = Math.max(routerY + NODE_H + ROW_GAP + 6, bottom + ROW_GAP)
    lane.rules.forEach(({ e, path, disabled }, i) => {
      const busHot = hotRouter && i <= stopIndex
      const c = counts.get(path)
      if (e.name === 'filter') {
        edges.push({ key: `bus:${path}`, d: `M${busX},${prevY} L${busX},${y}`, hot: busHot, dashed: false, label: null, lx: 0, ly: 0 })
        const hot = highlight?.filters.has(path) ?? false
        nodes.push({
          key: `filter:${path}`,
          path,
          kind: 'filter',
          router: lane.router,
          x: filterX,
          y,
          w: nodeW,
          h: NODE_H,
          title: `${getParam(e, '@type') || '(no @type)'}  ${e.arg || '**'}`,
          subtitle: summarize(e) || c?.element.note || 'filter',
          badge: c ? (c.events === c.passed ? `${fmt(c.events)}` : `${fmt(c.events)} → ${fmt(c.passed)}`) : null,
          disabled,
          severity: severityOf(path),
          hot,
          tone: highlight?.dropped === path ? 'drop' : null,
        })
        prevY = y + NODE_H
        y += NODE_H + ROW_GAP
        return
      }
      // A match: a junction on the bus, its node to the right, its outputs to the right of that.
      const jy = y + NODE_H / 2
      const hot = highlight?.outputs.has(path) ?? false
      edges.push({ key: `bus:${path}`, d: `M${busX},${prevY} L${busX},${jy}`, hot: busHot, dashed: false, label: null, lx: 0, ly: 0 })
      edges.push({ key: `branch:${path}`, d: `M${busX},${jy} L${matchX},${jy}`, hot, dashed: disabled, label: null, lx: 0, ly: 0 })
      nodes.push({
        key: `match:${path}`,
        path,
        kind: 'match',
        router: lane.router,
        x: matchX,
        y,
        w: nodeW,
        h: NODE_H,
        title: `<match ${e.arg || '**'}>`,
        subtitle: getParam(e, '@id') ? `@id ${getParam(e, '@id')}` : c && c.events === 0 && summary ? 'no sample reached it' : '',
        badge: c ? fmt(c.events) : null,
        disabled,
        severity: severityOf(path),
        hot,
        tone: hot ? 'delivered' : null,
      })
      const outputs = outputsOf(e, path)
      let oy = y
      for (const out of outputs) {
        const oc = counts.get(out.path)
        const ohot = highlight?.outputs.has(out.path) ?? false
        const node: GraphNode = {
          key: `output:${out.path}`,
          path: out.path,
          kind: 'output',
          router: lane.router,
          x: outX,
          y: oy,
          w: nodeW,
          h: NODE_H,
          title: out.type || '(no @type)',
          subtitle: out.summary,
          badge: out.path !== path && oc ? fmt(oc.events) : null,
          disabled,
          severity: null,
          hot: ohot,
          tone: null,
        }
        nodes.push(node)
        edges.push({
          key: `out:${out.path}`,
          d: curve(matchX + nodeW, jy, outX, oy + NODE_H / 2),
          hot: ohot,
          dashed: disabled,
          label: null,
          lx: 0,
          ly: 0,
        })
        if (out.relabel) relabels.push({ from: node, label: out.relabel, hot: ohot })
        oy += NODE_H + GAP
      }
      right = Math.max(right, outX + nodeW)
      prevY = jy
      y = Math.max(y + NODE_H, oy - GAP) + ROW_GAP
    })
    const endHot = hotRouter && unmatched
    const endY = y
    edges.push({
      key: `bus:end:${lane.key}`,
      d: `M${busX},${prevY} L${busX},${endY}`,
      hot: endHot,
      dashed: false,
      label: null,
      lx: 0,
      ly: 0,
    })
    const laneCount = summary?.routerCounts.find((r) => r.router === lane.router)
    nodes.push({
      key: `nomatch:${lane.key}`,
      path: null,
      kind: 'nomatch',
      router: lane.router,
      x: busX - 46,
      y: endY,
      w: 92,
      h: 30,
      title: 'no match',
      subtitle: '',
      badge: laneCount && laneCount.unmatched > 0 ? fmt(laneCount.unmatched) : null,
      disabled: false,
      severity: null,
      hot: endHot,
      tone: endHot ? 'unmatched' : null,
    })
    bottom = Math.max(bottom, endY + 30)
    const h = bottom - top + 14
    laneBoxes.push({ key: lane.key, title: lane.title, y: top, h })
    top += h + 12
  }
  for (const r of relabels) {
    const target = routerNodes.get(r.label)
    if (target === undefined) continue
    const x1 = r.from.x + r.from.w
    const y1 = r.from.y + r.from.h / 2
    const x2 = target.x + target.w
    const y2 = target.y + target.h / 2
    const bend = Math.max(x1, x2) + 40
    edges.push({
      key: `relabel:${r.from.key}`,
      d: `M${x1},${y1} C${bend},${y1} ${bend},${y2} ${x2},${y2}`,
      hot: r.hot,
      dashed: true,
      label: null,
      lx: 0,
      ly: 0,
    })
    right = Math.max(right, bend)
  }
  return { nodes, edges, lanes: laneBoxes, width: right + 16, height: top, nodeWidth: nodeW }
}

function outputsOf(e: ConfigElement, path: ElementPath): { path: ElementPath; type: string; summary: string; relabel: string | null }[] {
  const type = getParam(e, '@type') ?? ''
  const stores = e.elements.map((s, j) => ({ s, p: childPath(path, j) })).filter(({ s }) => s.name === 'store')
  if (type === 'copy' && stores.length > 0) {
    return stores.map(({ s, p }) => ({
      path: p,
      type: getParam(s, '@type') ?? '',
      summary: summarize(s),
      relabel: getParam(s, '@type') === 'relabel' ? (getParam(s, '@label') ?? null) : null,
    }))
  }
  return [{ path, type, summary: summarize(e), relabel: type === 'relabel' ? (getParam(e, '@label') ?? null) : null }]
}

function routerSubtitle(summary: PreviewSummary | null, router: string): string {
  const c = summary?.routerCounts.find((r) => r.router === router)
  return c ? `${fmt(c.events)} in` : 'router'
}

function curve(x1: number, y1: number, x2: number, y2: number): string {
  const mx = (x1 + x2) / 2
  return `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US')
}
