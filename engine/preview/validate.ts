/**
 * @module The designer's validation = `sluice check`'s: engine/check's `checkParsed` (`<system>`,
 * structure, every plugin's schema and descriptor checks, every plugin built) run on the model
 * with the registry the caller gives (in the browser: engine/check's `checkRegistry` over the
 * descriptors, for the daemon's runtime), then the draft-mode warnings of lint.ts. No second copy of
 * any rule: the diagnostics are check's ConfigErrors, each given the element path it is about.
 */

import { checkParsed, releaseChecked } from '../check/check.ts'
import type { ConfigError } from '../config/errors.ts'
import type { ConfigElement, ConfigLocs, ConfigModel } from '../config/model.ts'
import { createLogger } from '../log.ts'
import type { PluginRegistry } from '../plugin.ts'
import type { Core } from '../../wasm/core.ts'
import { lintModel } from './lint.ts'
import type { Diagnostic, ElementPath } from './types.ts'

export interface ValidateOptions {
  /** Directives switched off in the designer: left out, as the exported .conf comments them out. */
  disabled?: ReadonlySet<ElementPath>
  /** `--strict`: warnings are errors (as the daemon run with --strict validates). */
  strict?: boolean
  /** The config's file name in messages. */
  file?: string
}

const SILENT = createLogger(() => {}, 'fatal')

/**
 * Checks a model (parse problems are the caller's: they come from its parse) and adds the lint.
 *
 * @example
 * const parsed = parseConfig(text, 'fluent.conf')
 * validateModel(core, parsed.config, parsed.locs, registry) // [{ severity: 'error', code: 'config', line: 3, path: '0', ... }]
 */
export function validateModel(
  core: Core,
  model: ConfigModel,
  locs: ConfigLocs | undefined,
  registry: PluginRegistry,
  options: ValidateOptions = {},
): Diagnostic[] {
  const disabled = options.disabled ?? new Set<ElementPath>()
  const file = options.file ?? 'fluent.conf'
  // Without locations (a model from JSON), problems still name their element: its path is the "file".
  const synthetic = locs === undefined
  const where = synthetic ? pathLocs(model) : locs
  const byLine = new Map<string, ElementPath>()
  const index = (e: ConfigElement, path: ElementPath): void => {
    const loc = where.get(e)
    if (loc && !synthetic) {
      const key = `${loc.file}:${loc.line}`
      if (!byLine.has(key)) byLine.set(key, path)
      for (const p of loc.params.values()) byLine.set(`${p.file}:${p.line}`, path)
    }
    e.elements.forEach((c, i) => index(c, `${path}/${i}`))
  }
  model.root.elements.forEach((e, i) => index(e, String(i)))

  const copies = new Map<ConfigElement, ConfigElement>()
  const effective = withoutDisabled(model, disabled, copies)
  // Containers copied by withoutDisabled keep the locations of the originals.
  const effectiveLocs =
    copies.size === 0
      ? where
      : ({
          get: (e: ConfigElement) => where.get(copies.get(e) ?? e),
          has: (e: ConfigElement) => where.has(copies.get(e) ?? e),
          set: () => where,
          delete: () => false,
        } as unknown as ConfigLocs)
  const result = checkParsed(
    { config: effective, locs: effectiveLocs, errors: [], warnings: [], files: [file] },
    { core, registry, runtime: 'node', logger: () => SILENT, hostname: 'designer', strict: options.strict },
  )
  releaseChecked(result)
  const toDiagnostic = (error: ConfigError): Diagnostic => {
    const path = synthetic ? (error.file.startsWith('#') ? error.file.slice(1) : undefined) : byLine.get(`${error.file}:${error.line}`)
    return {
      severity: error.severity,
      code: codeOf(error),
      message: error.reason,
      hint: error.hint,
      ...(error.line > 0 && !synthetic ? { line: error.line } : {}),
      ...(path !== undefined && path !== '' ? { path } : {}),
    }
  }
  return [
    ...result.errors.map(toDiagnostic),
    ...result.warnings.map(toDiagnostic),
    ...result.notes.map(toDiagnostic),
    ...lintModel(core, model, synthetic ? undefined : locs, disabled),
  ]
}

/** A stable code for a check problem (the UI filters and tests by it). */
export function codeOf(error: ConfigError): string {
  const r = error.reason
  if (/^unknown (input|filter|output|parser|formatter) plugin|^sluice does not implement|does not run on /.test(r)) return 'unknown-plugin'
  if (/^parameter '.*' in .* is not used|^section <.*> is not used in /.test(r)) return 'unknown-param'
  if (/^duplicate @id/.test(r)) return 'duplicate-id'
  if (/^unknown @log_level/.test(r)) return 'log-level'
  if (/^(param \S+ outside|missing @type|<label|<worker|invalid worker id|worker id|<\w+> is not allowed|@label \S+ refers to no)/.test(r))
    return 'structure'
  if (/deprecated|v0\.12|is obsolete|was renamed/.test(r)) return 'deprecated'
  if (/^cannot configure /.test(r)) return 'config'
  return error.severity === 'info' ? 'info' : 'param'
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
