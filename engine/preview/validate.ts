/**
 * @module Config validation without building anything: what `sluice check` would say about a
 * model, from the plugin schemas in a catalog (engine/config validateElement), the agent's
 * directive structure checks, its @type / @id / @log_level checks, plus the draft-mode warnings
 * of lint.ts. Every diagnostic carries the element path it is about (and its line, with locs).
 */

import { convertCompatParams, normalizeReservedNames } from '../config/compat.ts'
import type { ConfigError } from '../config/errors.ts'
import { getParam, type ConfigElement, type ConfigLocs, type ConfigModel } from '../config/model.ts'
import { validateElement } from '../config/schema.ts'
import { checkStructure } from '../config/structure.ts'
import { closest } from '../config/suggest.ts'
import { LOG_LEVELS } from '../log.ts'
import { missingPlugin } from '../plugin-status.ts'
import { lintModel } from './lint.ts'
import type { CatalogEntry, Diagnostic, ElementPath } from './types.ts'

const KIND_OF: Record<string, 'input' | 'filter' | 'output'> = { source: 'input', filter: 'filter', match: 'output', store: 'output' }

/**
 * @example
 * const parsed = parseConfig(text, 'fluent.conf')
 * validateModel(parsed.config, parsed.locs, catalog) // [{ severity: 'error', code: 'param', line: 3, path: '0', ... }]
 */
export function validateModel(
  model: ConfigModel,
  locs: ConfigLocs | undefined,
  catalog: readonly CatalogEntry[],
  disabled: ReadonlySet<ElementPath> = new Set(),
): Diagnostic[] {
  const paths = new Map<ConfigElement, ElementPath>()
  const byLine = new Map<number, ElementPath>()
  // Without locations (a model from JSON), errors still name their element: its path is the "file".
  const synthetic = locs === undefined
  if (synthetic) locs = pathLocs(model)
  const index = (e: ConfigElement, path: ElementPath): void => {
    paths.set(e, path)
    if (synthetic) return
    const loc = locs?.get(e)
    if (loc) {
      if (!byLine.has(loc.line)) byLine.set(loc.line, path)
      for (const p of loc.params.values()) byLine.set(p.line, path)
    }
    e.elements.forEach((c, i) => index(c, `${path}/${i}`))
  }
  model.root.elements.forEach((e, i) => index(e, String(i)))

  const copies = new Map<ConfigElement, ConfigElement>()
  const effective = withoutDisabled(model, disabled, copies)
  // Containers copied by withoutDisabled keep the locations of the originals.
  const original = locs
  if (original !== undefined && copies.size > 0) {
    locs = {
      get: (e: ConfigElement) => original.get(copies.get(e) ?? e),
      has: (e: ConfigElement) => original.has(copies.get(e) ?? e),
    } as unknown as ConfigLocs
  }
  const out: Diagnostic[] = []
  const fromError = (error: ConfigError, code: string, path?: ElementPath): Diagnostic => {
    const where = path ?? (synthetic ? (error.file.startsWith('#') ? error.file.slice(1) : undefined) : byLine.get(error.line))
    return {
      severity: error.severity,
      code,
      message: error.reason,
      hint: error.hint,
      ...(error.line > 0 && !synthetic ? { line: error.line } : {}),
      ...(where !== undefined && where !== '' ? { path: where } : {}),
    }
  }
  // v0.12 `type`/`id`/`log_level` read as `@type`… (as the agent does); renamed elements map back to their paths.
  const normalized = normalizeReservedNames(effective, locs)
  if (normalized.model !== effective) {
    const index2 = (a: ConfigElement, b: ConfigElement): void => {
      if (a !== b && paths.has(a)) paths.set(b, paths.get(a)!)
      a.elements.forEach((c, i) => index2(c, b.elements[i]))
    }
    index2(effective.root, normalized.model.root)
  }
  for (const w of normalized.warnings) out.push(fromError(w, 'deprecated'))
  const model2 = normalized.model
  for (const error of checkStructure(model2, locs)) out.push(fromError(error, 'structure'))

  const specs = new Map(catalog.map((e) => [`${e.kind}:${e.name}`, e]))
  const ids = new Map<string, ConfigElement>()
  const plugin = (e: ConfigElement): void => {
    const path = paths.get(e)
    const kind = KIND_OF[e.name]
    const type = getParam(e, '@type')
    const line = synthetic ? undefined : locs?.get(e)?.line
    const at = (key: string) => (synthetic ? undefined : (locs?.get(e)?.params.get(key)?.line ?? line))
    const add = (d: Omit<Diagnostic, 'path'>) => out.push({ ...d, ...(path !== undefined ? { path } : {}) })
    const id = getParam(e, '@id')
    if (id !== undefined) {
      if (ids.has(id)) {
        add({
          severity: 'error',
          code: 'duplicate-id',
          message: `duplicate @id '${id}'`,
          hint: 'every @id must be unique: it names buffer directories and metrics',
          line: at('@id'),
        })
      } else ids.set(id, e)
    }
    const level = getParam(e, '@log_level')
    if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
      add({
        severity: 'error',
        code: 'log-level',
        message: `unknown @log_level '${level}'`,
        hint: `use one of ${LOG_LEVELS.join(', ')}`,
        line: at('@log_level'),
      })
    }
    if (type === undefined || type === '') {
      // <source>/<filter>/<match> without @type are reported by the structure checks.
      if (e.name === 'store')
        add({ severity: 'error', code: 'structure', message: 'missing @type in <store>', hint: 'add a line such as @type stdout', line })
      return
    }
    const entry = specs.get(`${kind}:${type}`)
    if (entry === undefined) {
      const known = catalog.filter((c) => c.kind === kind).map((c) => c.name)
      const near = closest(type, known)
      const missing = missingPlugin(kind, type)
      add({
        severity: 'error',
        code: 'unknown-plugin',
        message: missing?.reason ?? `unknown ${kind} plugin '${type}'`,
        hint: missing?.hint ?? `${near ? `did you mean '${near}'? ` : ''}known: ${known.sort().join(', ')}`,
        line: at('@type'),
      })
      return
    }
    const converted = convertCompatParams(e, entry.schema, locs)
    for (const problem of [...converted.errors, ...converted.warnings]) out.push(fromError(problem, 'deprecated', path))
    const result = validateElement(converted.element, entry.schema, locs)
    for (const error of [...result.errors, ...result.warnings]) {
      out.push(
        fromError(
          error,
          /^parameter '.*' in .* is not used$|^section <.*> is not used in /.test(error.reason) ? 'unknown-param' : 'param',
          path,
        ),
      )
    }
    if (e.name === 'match') for (const store of e.elements) if (store.name === 'store') plugin(store)
  }
  const directives = (elements: readonly ConfigElement[]): void => {
    for (const e of elements) {
      if (e.name === 'source' || e.name === 'filter' || e.name === 'match') plugin(e)
      else if (e.name === 'label' || e.name === 'worker') directives(e.elements)
    }
  }
  directives(model2.root.elements)
  out.push(...lintModel(model, synthetic ? undefined : locs, disabled))
  return out
}

/** Locations whose `file` is `#<path>` and line 0, for models without real ones. */
function pathLocs(model: ConfigModel): ConfigLocs {
  const locs: ConfigLocs = new WeakMap()
  const visit = (e: ConfigElement, path: string): void => {
    const file = `#${path}`
    locs.set(e, {
      file,
      line: 0,
      includedFrom: [],
      params: new Map(Object.keys(e.params).map((k) => [k, { file, line: 0, includedFrom: [] }])),
    })
    e.elements.forEach((c, i) => visit(c, path === '' ? String(i) : `${path}/${i}`))
  }
  visit(model.root, '')
  return locs
}

/**
 * The model with disabled directives left out: directives are the same objects (so locations
 * still apply); the containers (root, labels, workers) are copies, recorded in `copies` (copy → original).
 */
export function withoutDisabled(
  model: ConfigModel,
  disabled: ReadonlySet<ElementPath>,
  copies?: Map<ConfigElement, ConfigElement>,
): ConfigModel {
  if (disabled.size === 0) return model
  const strip = (e: ConfigElement, path: string): ConfigElement => {
    if (e.name !== 'ROOT' && e.name !== 'label' && e.name !== 'worker') return e
    const elements = e.elements
      .map((c, i) => ({ c, p: path === '' ? String(i) : `${path}/${i}` }))
      .filter(({ p }) => !disabled.has(p))
      .map(({ c, p }) => strip(c, p))
    const copy = { ...e, elements }
    copies?.set(copy, e)
    return copy
  }
  return { version: model.version, root: strip(model.root, '') }
}
