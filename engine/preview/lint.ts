/**
 * @module Draft-mode warnings Fluentd never gives: a `<match>` that can never match because an
 * earlier match of the same router catches every tag it would (first match wins), a `<filter>`
 * placed after such a catch-all, a `<label>` nothing sends events to, a relabel into its own label.
 * Pattern coverage is decided conservatively: a warning is only given when it is certain; a literal
 * tag is matched by the core's own matcher (the one the daemon routes with).
 */

import { getParam, type ConfigElement, type ConfigLocs, type ConfigModel } from '../config/model.ts'
import type { Core } from '../../wasm/core.ts'
import { PatternTester } from './patterns.ts'
import type { Diagnostic, ElementPath } from './types.ts'

const RUBY_SPACE = /[ \t\n\v\f\r]+/
/** Labels events reach without any `@label` pointing at them. */
const BUILT_IN_LABELS = ['@ERROR', '@FLUENT_LOG']

interface Rule {
  element: ConfigElement
  path: ElementPath
  alternatives: string[]
}

/**
 * @example
 * lintModel(core, parseConfig('<match **>\n @type null\n</match>\n<match a>\n @type null\n</match>\n', 'f').config)
 * // [{ code: 'unreachable-match', path: '1', ... }]
 */
export function lintModel(core: Core, model: ConfigModel, locs?: ConfigLocs, disabled: ReadonlySet<ElementPath> = new Set()): Diagnostic[] {
  const tester = new PatternTester(core)
  try {
    return lint(tester, model, locs, disabled)
  } finally {
    tester.free()
  }
}

function lint(tester: PatternTester, model: ConfigModel, locs: ConfigLocs | undefined, disabled: ReadonlySet<ElementPath>): Diagnostic[] {
  const out: Diagnostic[] = []
  const line = (e: ConfigElement) => locs?.get(e)?.line
  const routers = new Map<string, Rule[]>([['@ROOT', []]])
  const labels: { name: string; element: ConfigElement; path: ElementPath }[] = []
  const targets = new Set<string>()
  const collectTargets = (e: ConfigElement): void => {
    const t = getParam(e, '@label')
    if (t !== undefined) targets.add(t)
    e.elements.forEach(collectTargets)
  }
  const visitTop = (elements: readonly ConfigElement[], prefix: string): void => {
    elements.forEach((e, i) => {
      const path = prefix === '' ? String(i) : `${prefix}/${i}`
      if (disabled.has(path)) return
      if (e.name === 'worker' && prefix === '') {
        if (includesWorker0(e.arg)) visitTop(e.elements, path)
        return
      }
      if (e.name === 'filter' || e.name === 'match') routers.get('@ROOT')!.push(rule(e, path))
      else if (e.name === 'label') {
        labels.push({ name: e.arg, element: e, path })
        const rules: Rule[] = []
        e.elements.forEach((c, j) => {
          const childPath = `${path}/${j}`
          if (!disabled.has(childPath) && (c.name === 'filter' || c.name === 'match')) rules.push(rule(c, childPath))
        })
        if (!routers.has(e.arg)) routers.set(e.arg, rules)
      }
      if (e.name !== 'label') collectTargets(e)
      else
        e.elements.forEach((c, j) => {
          if (!disabled.has(`${path}/${j}`)) collectTargets(c)
        })
    })
  }
  visitTop(model.root.elements, '')

  for (const [router, rules] of routers) {
    const matches: Rule[] = []
    for (const r of rules) {
      const by = coveredBy(tester, r, matches)
      if (by !== null) {
        const where = by.map((m) => `<match ${m.element.arg || '**'}>${line(m.element) ? ` (line ${line(m.element)})` : ''}`).join(', ')
        const isMatch = r.element.name === 'match'
        out.push({
          severity: 'warning',
          code: isMatch ? 'unreachable-match' : 'filter-after-match',
          message: isMatch
            ? `<match ${r.element.arg || '**'}> never matches: ${where} above catches every tag it would (first match wins)`
            : `<filter ${r.element.arg || '**'}> never runs: ${where} above catches every tag it would, and filters after the match are not applied`,
          hint: isMatch ? 'move it above the broader <match>, or remove it' : 'move the filter above the <match>',
          line: line(r.element),
          path: r.path,
        })
      }
      if (r.element.name === 'match') {
        matches.push(r)
        const type = getParam(r.element, '@type')
        const target = getParam(r.element, '@label')
        if (type === 'relabel' && target === router) {
          out.push({
            severity: 'warning',
            code: 'relabel-loop',
            message: `relabel into its own label ${router} sends events around in a loop`,
            hint: 'relabel into another label or @ROOT',
            line: line(r.element),
            path: r.path,
          })
        }
      }
    }
  }
  for (const label of labels) {
    if (label.name === '' || BUILT_IN_LABELS.includes(label.name) || targets.has(label.name)) continue
    out.push({
      severity: 'warning',
      code: 'unused-label',
      message: `no @label sends events to <label ${label.name}>: its outputs are never reached`,
      hint: `add @label ${label.name} to a <source> or to a relabel/copy output`,
      line: line(label.element),
      path: label.path,
    })
  }
  return out
}

function includesWorker0(arg: string): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(arg.trim())
  return m !== null && Number(m[1]) === 0
}

function rule(element: ConfigElement, path: ElementPath): Rule {
  return { element, path, alternatives: alternativesOf(element.arg) }
}

/** A directive argument's alternatives (Ruby whitespace; empty = `**`), top-level `{a,b}` expanded. */
export function alternativesOf(pattern: string): string[] {
  const trimmed = pattern.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')
  if (trimmed === '') return ['**']
  return trimmed.split(RUBY_SPACE).flatMap(expandBraces)
}

/** `a.{b,c}.d` → `a.b.d`, `a.c.d` when there is exactly one flat brace group (else as is). */
function expandBraces(alternative: string): string[] {
  const m = /^([^{}\\]*)\{([^{}\\]*)\}([^{}\\]*)$/.exec(alternative)
  if (m === null || alternative.startsWith('/')) return [alternative]
  return m[2].split(',').map((part) => `${m[1]}${part}${m[3]}`)
}

/** The earlier matches that together cover every alternative of `r`, or null when not certain. */
function coveredBy(tester: PatternTester, r: Rule, matches: readonly Rule[]): Rule[] | null {
  if (matches.length === 0) return null
  const used = new Set<Rule>()
  for (const alt of r.alternatives) {
    const by = matches.find((m) => m.alternatives.some((a) => covers(tester, a, alt)))
    if (by === undefined) return null
    used.add(by)
  }
  return [...used]
}

const SPECIAL = /[*{}\\]/

function isLiteral(alternative: string): boolean {
  return !SPECIAL.test(alternative) && !(alternative.length >= 2 && alternative.startsWith('/') && alternative.endsWith('/'))
}

/** True when every tag `b` matches is matched by `a` (certain cases only). */
export function covers(tester: PatternTester, a: string, b: string): boolean {
  if (a === '**' || a === '/.*/') return true
  if (a === b) return true
  if (isLiteral(b)) return tester.matches(a, b)
  if (a.endsWith('.**') && isLiteral(a.slice(0, -3))) {
    const prefix = a.slice(0, -3)
    const literalHead = b.slice(0, b.search(SPECIAL) < 0 ? b.length : b.search(SPECIAL))
    if (!b.startsWith('/') && literalHead.startsWith(prefix + '.')) return true
  }
  return false
}
