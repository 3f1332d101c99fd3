/**
 * @module Edits of the designer's document, as pure functions: add, remove, duplicate, move,
 * disable directives; set params and arguments; add and remove nested sections. Each returns a new
 * document (the old one is untouched); disabled flags follow their directives when paths shift.
 */

import { cloneElement, createElement, deleteParam, getParam, setParam, type ConfigElement } from '../../../../engine/config/model.ts'
import type { ElementPath } from '../../../../engine/preview/types.ts'
import { childPath, elementAt, lastIndex, parentPath, type DesignDoc } from './document.ts'

export type DirectiveKind = 'source' | 'filter' | 'match' | 'label'

/**
 * Applies `mutate` to a deep copy of the document; disabled flags stay on their elements (`flagged`
 * holds the disabled elements of the copy; a mutation may add to it).
 */
export function edit(doc: DesignDoc, mutate: (root: ConfigElement, flagged: Set<ConfigElement>) => void): DesignDoc {
  const root = cloneElement(doc.model.root)
  const flagged = new Set<ConfigElement>()
  for (const path of doc.disabled) {
    const e = elementAt({ version: 1, root }, path)
    if (e) flagged.add(e)
  }
  mutate(root, flagged)
  const disabled = new Set<ElementPath>()
  const visit = (e: ConfigElement, path: string): void => {
    e.elements.forEach((c, i) => {
      const p = childPath(path, i)
      if (flagged.has(c)) disabled.add(p)
      visit(c, p)
    })
  }
  visit(root, '')
  return { model: { version: doc.model.version, root }, disabled }
}

/** The path of an element object in a tree (null when it is not there). */
export function pathOf(root: ConfigElement, target: ConfigElement): ElementPath | null {
  if (root === target) return ''
  for (let i = 0; i < root.elements.length; i++) {
    const inner = pathOf(root.elements[i], target)
    if (inner !== null) return inner === '' ? String(i) : `${i}/${inner}`
  }
  return null
}

function at(root: ConfigElement, path: ElementPath): ConfigElement {
  const e = elementAt({ version: 1, root }, path)
  if (e === undefined) throw new Error(`no element at ${path}`)
  return e
}

export interface AddOptions {
  /** `@type` of the new plugin. */
  type?: string
  /** Tag pattern (filter/match) or label name. */
  arg?: string
  /** Position in the parent; by default a sensible one (see addDirective). */
  index?: number
}

/**
 * Adds a directive to the top level (`parent` '') or to a label. Default positions keep routing
 * meaningful: a source after the last source, a filter before the router's first match (filters
 * after a match never see its events), a match after the router's last rule, a label at the end.
 * Returns the new document and the new element's path.
 */
export function addDirective(
  doc: DesignDoc,
  parent: ElementPath,
  kind: DirectiveKind,
  options: AddOptions = {},
): { doc: DesignDoc; path: ElementPath } {
  let path = ''
  const next = edit(doc, (root) => {
    const container = at(root, parent)
    const element =
      kind === 'label'
        ? createElement('label', options.arg ?? uniqueLabel(root), {}, [createElement('match', '**', { '@type': 'stdout' })])
        : createElement(kind, kind === 'source' ? '' : (options.arg ?? '**'), options.type ? { '@type': options.type } : {})
    const list = container.elements
    const index = options.index ?? defaultIndex(list, kind)
    list.splice(index, 0, element)
    path = childPath(parent, index)
  })
  return { doc: next, path }
}

function defaultIndex(list: readonly ConfigElement[], kind: DirectiveKind): number {
  const lastOf = (names: string[]) => list.reduce((last, e, i) => (names.includes(e.name) ? i : last), -1)
  if (kind === 'source') return lastOf(['source']) + 1
  if (kind === 'label') return list.length
  if (kind === 'filter') {
    const firstMatch = list.findIndex((e) => e.name === 'match')
    return firstMatch >= 0 ? firstMatch : lastOf(['source', 'filter']) + 1
  }
  return Math.max(lastOf(['filter', 'match']), lastOf(['source'])) + 1
}

function uniqueLabel(root: ConfigElement): string {
  const names = new Set(root.elements.filter((e) => e.name === 'label').map((e) => e.arg))
  for (let i = 1; ; i++) if (!names.has(`@LABEL${i}`)) return `@LABEL${i}`
}

export function removeElement(doc: DesignDoc, path: ElementPath): DesignDoc {
  return edit(doc, (root) => {
    at(root, parentPath(path)).elements.splice(lastIndex(path), 1)
  })
}

/** Inserts a copy right after the element (without its @id, which must stay unique). */
export function duplicateElement(doc: DesignDoc, path: ElementPath): { doc: DesignDoc; path: ElementPath } {
  const parent = parentPath(path)
  const index = lastIndex(path) + 1
  const next = edit(doc, (root, flagged) => {
    const original = at(root, path)
    const copy = cloneElement(original)
    deleteParam(copy, '@id')
    if (flagged.has(original)) flagged.add(copy)
    at(root, parent).elements.splice(index, 0, copy)
  })
  return { doc: next, path: childPath(parent, index) }
}

/**
 * Moves an element to position `index` of `toParent` (the index among the parent's children as
 * they are before the move). Returns the new path.
 */
export function moveElement(
  doc: DesignDoc,
  path: ElementPath,
  toParent: ElementPath,
  index: number,
): { doc: DesignDoc; path: ElementPath } {
  let newPath = path
  const next = edit(doc, (root) => {
    const fromParent = at(root, parentPath(path))
    const from = lastIndex(path)
    const target = at(root, toParent)
    const [element] = fromParent.elements.splice(from, 1)
    let to = index
    if (fromParent === target && from < index) to--
    to = Math.max(0, Math.min(to, target.elements.length))
    target.elements.splice(to, 0, element)
    newPath = pathOf(root, element) ?? childPath(toParent, to)
  })
  return { doc: next, path: newPath }
}

export function toggleDisabled(doc: DesignDoc, path: ElementPath): DesignDoc {
  const disabled = new Set(doc.disabled)
  if (disabled.has(path)) disabled.delete(path)
  else disabled.add(path)
  return { model: doc.model, disabled }
}

/** Sets (or, with null, removes) a param of any element, e.g. a `<regexp>` section's `key`. */
export function setParamAt(doc: DesignDoc, path: ElementPath, key: string, value: string | null): DesignDoc {
  return edit(doc, (root) => {
    const e = at(root, path)
    if (value === null) deleteParam(e, key)
    else setParam(e, key, value)
  })
}

/** Renames a param keeping its position (for free-form params such as `<record>` keys). */
export function renameParamAt(doc: DesignDoc, path: ElementPath, from: string, to: string): DesignDoc {
  return edit(doc, (root) => {
    const e = at(root, path)
    if (from === to || getParam(e, from) === undefined) return
    const entries = Object.entries(e.params).map(([k, v]): [string, string] => (k === from ? [to, v] : [k, v]))
    for (const key of Object.keys(e.params)) delete e.params[key]
    for (const [k, v] of entries) setParam(e, k, v)
  })
}

export function setArgAt(doc: DesignDoc, path: ElementPath, arg: string): DesignDoc {
  return edit(doc, (root) => {
    at(root, path).arg = arg
  })
}

/** Appends a nested section (`<regexp>`, `<store>`, `<buffer>` …) to an element. */
export function addSection(
  doc: DesignDoc,
  path: ElementPath,
  name: string,
  params: Record<string, string> = {},
): { doc: DesignDoc; path: ElementPath } {
  let newPath = ''
  const next = edit(doc, (root) => {
    const e = at(root, path)
    e.elements.push(createElement(name, '', params))
    newPath = childPath(path, e.elements.length - 1)
  })
  return { doc: next, path: newPath }
}

/** Replaces an element's `@type`, dropping params the new type may not know (kept: @id, @label, @log_level). */
export function changeType(doc: DesignDoc, path: ElementPath, type: string): DesignDoc {
  return edit(doc, (root) => {
    const e = at(root, path)
    if (getParam(e, '@type') === type) return
    const keep = ['@id', '@label', '@log_level'].filter((k) => getParam(e, k) !== undefined).map((k) => [k, getParam(e, k)!] as const)
    for (const key of Object.keys(e.params)) delete e.params[key]
    setParam(e, '@type', type)
    for (const [k, v] of keep) setParam(e, k, v)
    e.elements = []
  })
}
