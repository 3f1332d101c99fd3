/**
 * @module Validation in the designer = what the daemon checks: the .conf parser's errors (with
 * file:line), the agent's directive structure checks, every plugin's schema (engine/config
 * validateElement, through the catalog), plus draft-mode warnings (engine/preview lint).
 */

import type { ConfigError } from '../../../../engine/config/errors.ts'
import type { ConfigLocs } from '../../../../engine/config/model.ts'
import type { Diagnostic } from '../../../../engine/preview/types.ts'
import { validateModel } from '../../../../engine/preview/validate.ts'
import { catalog } from './catalog.ts'
import type { DesignDoc } from './document.ts'

/** Every problem of the document, parse errors first, then by line. */
export function validateDesign(
  doc: DesignDoc,
  locs: ConfigLocs,
  parseErrors: readonly ConfigError[],
  parseWarnings: readonly ConfigError[] = [],
): Diagnostic[] {
  const parse: Diagnostic[] = [...parseErrors, ...parseWarnings].map((e) => ({
    severity: e.severity,
    code: 'syntax',
    message: e.reason,
    hint: e.hint,
    line: e.line,
  }))
  const rest = validateModel(doc.model, locs, catalog, doc.disabled)
  return [...parse, ...rest.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9))]
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0
  let warnings = 0
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++
    else if (d.severity === 'warning') warnings++
  }
  return { errors, warnings }
}
