/**
 * @module The draft: a copy of the config that the agent can always build, so an incomplete or
 * partly wrong config still previews as far as it can. Every plugin gets the `@id` `#<index>` of
 * its row in the element table; outputs become sinks (copy/relabel stay real when available);
 * filters that cannot run (no @type, unknown, invalid) become pass-throughs; sources are left
 * out (samples are emitted into their router). Each substitution is noted for the UI.
 */

import { validateElement } from '../config/schema.ts'
import {
  CONFIG_MODEL_VERSION,
  createElement,
  getParam,
  ROOT_NAME,
  type ConfigElement,
  type ConfigLocs,
  type ConfigModel,
  type ElementLoc,
} from '../config/model.ts'
import { LOG_LEVELS } from '../log.ts'
import { PASSTHROUGH_TYPE, ROUTING_OUTPUTS, SINK_TYPE, runsForReal } from './registry.ts'
import type { CatalogEntry, Diagnostic, ElementPath, PreviewElement, PreviewElementKind, PreviewMode } from './types.ts'

export const ROOT_ROUTER = '@ROOT'

/** Never matches a tag: keeps a label that has no <match> buildable (its events are unmatched). */
const NEVER = '/(?!)/'

export interface Draft {
  model: ConfigModel
  /** Locations whose `file` is the element path: build errors point back at the element. */
  locs: ConfigLocs
  elements: PreviewElement[]
  routers: string[]
  notes: Diagnostic[]
  /** The draft element of each plugin element, by path (sources have none). */
  drafts: Map<ElementPath, ConfigElement>
}

export interface DraftOptions {
  /** Paths of directives switched off in the designer: left out of the run. */
  disabled?: ReadonlySet<ElementPath>
}

/**
 * @example
 * const draft = buildDraft(model, catalog)
 * buildAgent(draft.model, draft.locs, { core, registry: previewRegistry(catalog, tracer), ... })
 */
export function buildDraft(model: ConfigModel, catalog: readonly CatalogEntry[], options: DraftOptions = {}): Draft {
  return new DraftBuilder(model, catalog, options.disabled ?? new Set()).build()
}

/** Turns one draft plugin into a stand-in after a build error (filters pass through, outputs sink). */
export function standIn(draft: Draft, path: ElementPath, reason: string): boolean {
  const target = draft.drafts.get(path)
  const element = draft.elements.find((e) => e.path === path)
  if (target === undefined || element === undefined) return false
  const type = element.kind === 'filter' ? PASSTHROUGH_TYPE : SINK_TYPE
  if (getParam(target, '@type') === type) return false
  for (const key of Object.keys(target.params)) delete target.params[key]
  target.params['@type'] = type
  target.params['@id'] = `#${element.index}`
  target.elements.length = 0
  element.mode = element.kind === 'filter' ? 'passthrough' : 'sink'
  element.note = reason
  return true
}

class DraftBuilder {
  private readonly elements: PreviewElement[] = []
  private readonly routers: string[] = [ROOT_ROUTER]
  private readonly notes: Diagnostic[] = []
  private readonly locs: ConfigLocs = new WeakMap()
  private readonly drafts = new Map<ElementPath, ConfigElement>()
  private readonly labels = new Set<string>()
  private readonly specs = new Map<string, CatalogEntry>()

  constructor(
    private readonly model: ConfigModel,
    private readonly catalog: readonly CatalogEntry[],
    private readonly disabled: ReadonlySet<ElementPath>,
  ) {
    for (const entry of catalog) this.specs.set(`${entry.kind}:${entry.name}`, entry)
  }

  build(): Draft {
    const root = createElement(ROOT_NAME)
    const top = this.directives(this.model.root.elements, '')
    for (const { element } of top) {
      if (element.name === 'label' && this.validLabel(element.arg) && !this.labels.has(element.arg)) this.labels.add(element.arg)
    }
    const seenLabels = new Set<string>()
    for (const { element, path } of top) {
      if (element.name === 'source') this.source(element, path)
      else if (element.name === 'filter' || element.name === 'match') {
        const draft = this.rule(element, path, ROOT_ROUTER)
        if (draft) root.elements.push(draft)
      } else if (element.name === 'label') {
        const name = element.arg
        if (!this.validLabel(name) || seenLabels.has(name)) {
          this.skipAll(element, path, name, `<label ${name}> is not valid (see the config errors): its rules are not run`)
          continue
        }
        seenLabels.add(name)
        this.routers.push(name)
        const label = createElement('label', name)
        this.loc(label, path)
        element.elements.forEach((child, j) => {
          const childPath = `${path}/${j}`
          if (this.disabled.has(childPath)) return
          if (child.name !== 'filter' && child.name !== 'match') return
          const draft = this.rule(child, childPath, name)
          if (draft) label.elements.push(draft)
        })
        if (!label.elements.some((e) => e.name === 'match')) {
          label.elements.push(createElement('match', NEVER, { '@type': SINK_TYPE, '@id': `#never:${name}` }))
        }
        root.elements.push(label)
      }
    }
    return {
      model: { version: CONFIG_MODEL_VERSION, root },
      locs: this.locs,
      elements: this.elements,
      routers: this.routers,
      notes: this.notes,
      drafts: this.drafts,
    }
  }

  /** Top-level directives, with `<worker>` sections for worker 0 expanded; disabled ones left out. */
  private directives(elements: readonly ConfigElement[], prefix: string): { element: ConfigElement; path: ElementPath }[] {
    const out: { element: ConfigElement; path: ElementPath }[] = []
    elements.forEach((element, i) => {
      const path = prefix === '' ? String(i) : `${prefix}/${i}`
      if (this.disabled.has(path)) return
      if (element.name === 'worker' && prefix === '') {
        const m = /^(\d+)(?:-(\d+))?$/.exec(element.arg.trim())
        const lo = m ? Number(m[1]) : NaN
        const hi = m?.[2] !== undefined ? Number(m[2]) : lo
        if (lo <= 0 && 0 <= hi) out.push(...this.directives(element.elements, path))
        else this.skipAll(element, path, '', `<worker ${element.arg}> does not run: sluice runs worker 0 only`)
        return
      }
      out.push({ element, path })
    })
    return out
  }

  private validLabel(name: string): boolean {
    return name !== '' && name !== ROOT_ROUTER
  }

  private source(element: ConfigElement, path: ElementPath): void {
    const type = getParam(element, '@type') ?? ''
    const label = getParam(element, '@label') ?? null
    const row = this.row(element, path, 'source', ROOT_ROUTER, 'input', null)
    if (label !== null && label !== ROOT_ROUTER && !this.labels.has(label)) {
      row.note = `@label ${label} refers to no <label>: samples entering here reach no rule`
    }
    if (type !== '' && !this.specs.has(`input:${type}`)) row.note ??= `input plugin '${type}' is not in the catalog`
  }

  /** A `<filter>` or `<match>` (or `<store>`): its row and its draft element, or null when it cannot take part. */
  private rule(element: ConfigElement, path: ElementPath, router: string, kind?: PreviewElementKind): ConfigElement | null {
    const rowKind: PreviewElementKind = kind ?? (element.name === 'filter' ? 'filter' : 'match')
    const isFilter = rowKind === 'filter'
    const type = getParam(element, '@type') ?? ''
    const row = this.row(element, path, rowKind, router, isFilter ? 'real' : 'sink', null)
    const id = `#${row.index}`
    const standInFor = (reason: string): ConfigElement => {
      row.mode = isFilter ? 'passthrough' : 'sink'
      row.note = reason
      return this.standIn(element, path, isFilter ? PASSTHROUGH_TYPE : SINK_TYPE, id)
    }
    if (type === '') return standInFor(isFilter ? 'no @type: events pass unchanged' : 'no @type: shown as an output that keeps the events')
    const entry = this.specs.get(`${isFilter ? 'filter' : 'output'}:${type}`)
    if (isFilter && !runsForReal(this.catalog, 'filter', type)) {
      return standInFor(
        entry === undefined ? `unknown filter '${type}': events pass unchanged` : `filter not available in preview: events pass unchanged`,
      )
    }
    if (!isFilter && !runsForReal(this.catalog, 'output', type)) {
      row.note = entry === undefined ? `unknown output '${type}': shown as an output that keeps the events` : null
      return this.standIn(element, path, SINK_TYPE, id, rowKind === 'store' ? this.storeParams(element) : {})
    }
    const spec = entry!.spec!
    const problems = validateElement(element, spec.schema).errors
    if (problems.length > 0) return standInFor(`not run: ${problems[0].reason}`)
    if (type === 'relabel' || (!isFilter && getParam(element, '@label') !== undefined)) {
      const target = getParam(element, '@label')
      if (target === undefined || (target !== ROOT_ROUTER && !this.labels.has(target))) {
        return standInFor(
          target === undefined ? 'relabel needs @label: shown as an output that keeps the events' : `@label ${target} refers to no <label>`,
        )
      }
    }
    const draft = this.clone(element, id)
    row.mode = 'real'
    this.loc(draft, path)
    this.drafts.set(path, draft)
    if (!isFilter && ROUTING_OUTPUTS.includes(type)) {
      draft.elements = []
      element.elements.forEach((child, j) => {
        if (child.name !== 'store') {
          draft.elements.push(this.plain(child))
          return
        }
        const store = this.rule(child, `${path}/${j}`, router, 'store')
        if (store) draft.elements.push(store)
      })
    }
    return draft
  }

  /** Params a sink `<store>` keeps: the ones copy's `<store>` section declares (e.g. ignore_error). */
  private storeParams(element: ConfigElement): Record<string, string> {
    const copy = this.specs.get('output:copy')?.spec?.schema.sections?.find((s) => s.name === 'store')
    const keep: Record<string, string> = {}
    for (const p of copy?.schema.params ?? []) {
      const value = getParam(element, p.name)
      if (value !== undefined) keep[p.name] = value
    }
    return keep
  }

  private standIn(element: ConfigElement, path: ElementPath, type: string, id: string, keep: Record<string, string> = {}): ConfigElement {
    const draft = createElement(element.name, element.arg, { ...keep, '@type': type, '@id': id })
    this.loc(draft, path)
    this.drafts.set(path, draft)
    return draft
  }

  /** A deep copy with `@id` replaced, invalid `@log_level` and dangling `@label`s removed. */
  private clone(element: ConfigElement, id: string): ConfigElement {
    const draft = this.plain(element)
    draft.params['@id'] = id
    const level = getParam(draft, '@log_level')
    if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) delete draft.params['@log_level']
    return draft
  }

  private plain(element: ConfigElement): ConfigElement {
    const copy = createElement(
      element.name,
      element.arg,
      element.params,
      element.elements.map((e) => this.plain(e)),
    )
    const label = getParam(copy, '@label')
    if (label !== undefined && label !== ROOT_ROUTER && !this.labels.has(label)) delete copy.params['@label']
    return copy
  }

  private row(
    element: ConfigElement,
    path: ElementPath,
    kind: PreviewElementKind,
    router: string,
    mode: PreviewMode,
    note: string | null,
  ): PreviewElement {
    const row: PreviewElement = {
      index: this.elements.length,
      path,
      kind,
      type: getParam(element, '@type') ?? '',
      pattern: element.arg,
      router,
      id: getParam(element, '@id') ?? null,
      label: getParam(element, '@label') ?? null,
      mode,
      note,
    }
    this.elements.push(row)
    return row
  }

  /** Rows for the directives of a section that does not run (an invalid label, another worker). */
  private skipAll(section: ConfigElement, path: ElementPath, router: string, reason: string): void {
    section.elements.forEach((child, j) => {
      if (child.name !== 'source' && child.name !== 'filter' && child.name !== 'match') return
      const kind: PreviewElementKind = child.name === 'source' ? 'source' : child.name === 'filter' ? 'filter' : 'match'
      this.row(child, `${path}/${j}`, kind, router || ROOT_ROUTER, 'skipped', reason)
    })
  }

  private loc(element: ConfigElement, path: ElementPath): void {
    const loc: ElementLoc = { file: path, line: 0, includedFrom: [], params: new Map() }
    this.locs.set(element, loc)
  }
}
