/**
 * @module The designer's document: the canonical config model (engine/config) plus the set of
 * directives switched off. Its text form is plain Fluentd .conf: a disabled directive is printed
 * commented out, every line prefixed with `#~ ` — Fluentd reads it as a comment, the designer
 * reads it back as a disabled directive. Comments of one's own are not kept (the model has none).
 */

import { ROOT_NAME, createElement, type ConfigElement, type ConfigLocs, type ConfigModel } from '../../../../engine/config/model.ts'
import { parseConfig } from '../../../../engine/config/parse.ts'
import { formatArg, formatKey, formatValue, printConfig, printElement } from '../../../../engine/config/print.ts'
import type { ConfigError } from '../../../../engine/config/errors.ts'
import type { ElementPath } from '../../../../engine/preview/types.ts'

export interface DesignDoc {
  model: ConfigModel
  /** Paths of disabled directives (top-level, in a label, in a worker). */
  disabled: ReadonlySet<ElementPath>
}

export interface ParsedDesign {
  doc: DesignDoc
  locs: ConfigLocs
  errors: ConfigError[]
  warnings: ConfigError[]
}

export const DISABLED_PREFIX = '#~ '
const CONTAINERS = new Set(['label', 'worker'])

export function emptyDoc(): DesignDoc {
  return { model: { version: 1, root: createElement(ROOT_NAME) }, disabled: new Set() }
}

/**
 * @example
 * printDesign({ model, disabled: new Set(['1']) }) // '<source>\n…\n\n#~ <filter **>\n#~   @type grep\n#~ </filter>\n'
 */
export function printDesign(doc: DesignDoc): string {
  if (doc.disabled.size === 0) return printConfig(doc.model)
  const lines: string[] = []
  for (const [key, value] of Object.entries(doc.model.root.params))
    lines.push(value === '' ? formatKey(key, true) : `${formatKey(key, true)} ${formatValue(value)}`)
  doc.model.root.elements.forEach((e, i) => {
    if (lines.length > 0) lines.push('')
    printDirective(e, String(i), 0, doc.disabled, lines)
  })
  return lines.length === 0 ? '' : lines.join('\n') + '\n'
}

function printDirective(e: ConfigElement, path: string, depth: number, disabled: ReadonlySet<string>, lines: string[]): void {
  if (disabled.has(path)) {
    for (const line of printElement(e, depth).replace(/\n$/, '').split('\n')) lines.push(DISABLED_PREFIX + line)
    return
  }
  const hasDisabledInside = CONTAINERS.has(e.name) && e.elements.some((_, j) => disabled.has(`${path}/${j}`))
  if (!hasDisabledInside) {
    lines.push(...printElement(e, depth).replace(/\n$/, '').split('\n'))
    return
  }
  const pad = '  '.repeat(depth)
  lines.push(`${pad}<${e.name}${e.arg === '' ? '' : ' ' + formatArg(e.arg)}>`)
  for (const [key, value] of Object.entries(e.params))
    lines.push(`${pad}  ${formatKey(key)}${value === '' ? '' : ' ' + formatValue(value)}`)
  e.elements.forEach((c, j) => {
    if (j > 0 || Object.keys(e.params).length > 0) lines.push('')
    printDirective(c, `${path}/${j}`, depth + 1, disabled, lines)
  })
  lines.push(`${pad}</${e.name}>`)
}

/**
 * Parses design text: `#~ ` lines are read as config (so their directives are disabled), all
 * other text as Fluentd reads it. Line numbers are those of the text.
 */
export function parseDesign(text: string, file = 'fluent.conf'): ParsedDesign {
  const disabledLines = new Set<number>()
  const lines = text.split('\n').map((line, i) => {
    if (!line.startsWith('#~')) return line
    disabledLines.add(i + 1)
    return line.startsWith(DISABLED_PREFIX) ? line.slice(DISABLED_PREFIX.length) : line.slice(2)
  })
  const parsed = parseConfig(disabledLines.size === 0 ? text : lines.join('\n'), file)
  const disabled = new Set<ElementPath>()
  if (disabledLines.size > 0) {
    const visit = (elements: readonly ConfigElement[], prefix: string): void => {
      elements.forEach((e, i) => {
        const path = prefix === '' ? String(i) : `${prefix}/${i}`
        const line = parsed.locs.get(e)?.line
        if (line !== undefined && disabledLines.has(line)) disabled.add(path)
        else if (CONTAINERS.has(e.name)) visit(e.elements, path)
      })
    }
    visit(parsed.config.root.elements, '')
  }
  return { doc: { model: parsed.config, disabled }, locs: parsed.locs, errors: parsed.errors, warnings: parsed.warnings }
}

/** The element at a path (undefined when there is none). */
export function elementAt(model: ConfigModel, path: ElementPath): ConfigElement | undefined {
  if (path === '') return model.root
  let e: ConfigElement | undefined = model.root
  for (const i of path.split('/')) e = e?.elements[Number(i)]
  return e
}

export function parentPath(path: ElementPath): ElementPath {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

export function lastIndex(path: ElementPath): number {
  return Number(path.slice(path.lastIndexOf('/') + 1))
}

export function childPath(parent: ElementPath, index: number): ElementPath {
  return parent === '' ? String(index) : `${parent}/${index}`
}
